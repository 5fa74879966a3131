"""Demo data for a local run and the benchmark (`manage.py seed_demo`), kept apart from the
application: nothing in catalog/ or followup/ imports it, and it refuses to run unless
DEMO_MODE is on."""
