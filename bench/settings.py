"""The app's own settings, with static files collected into the benchmark's temporary folder.

valdprogram.settings reads everything else from the environment, which bench/run.py sets.
"""

import os
from pathlib import Path

from valdprogram.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
