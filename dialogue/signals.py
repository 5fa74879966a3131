"""What the dialogue tells the rest of the application.

`comment_posted` is sent once a comment is committed (never for a write that rolled back),
with `sender` the Comment model, `comment` the new comment and `thread` its thread. The
notifications connect to it; nothing here sends mail or in-app messages itself. Marking a
thread resolved or reopened sends nothing.
"""

from django.dispatch import Signal

comment_posted = Signal()
