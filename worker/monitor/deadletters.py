"""Dead-letter replay: send the task again with its recorded arguments."""

from __future__ import annotations

import json

from worker.app import app, use_broker
from worker.settings import Settings
from worker.store.repository import Store


def replay(store: Store, settings: Settings, dl_id: int) -> bool:
    """Re-send one dead letter's task; False if there is no such dead letter."""
    found = store.get_dead_letter(dl_id)
    if found is None:
        return False
    args, kwargs = json.loads(found["args"])
    use_broker(settings.broker)
    app.send_task(found["task"], args=args, kwargs=kwargs)
    store.mark_replayed(dl_id)
    return True
