"""Private helpers shared by several topics (not public API).

``_validation``: the raw-audio input conventions; ``_parallel`` and
``_progress``: batches in threads with optional progress bars; ``_state``:
pickle state through each class's export/import pair.
"""
