"""What happens to a kit that other parts of the portal may act on.

Each signal is sent with `sender=Kit` and `kit=<the Kit>`, after the change
that caused it is committed, and exactly once per occurrence (the lifecycle
services record it on the kit with a conditional UPDATE first). Receivers run
in the process that made the change (a web request, the periodic task): a
receiver with real work to do queues a task of its own. A receiver that fails
is logged and does not stop the others.

    kit_went_live   partners can see the kit for the first time.
    kit_expired     the kit passed its expiry date and is no longer shown.
"""

from django.dispatch import Signal

kit_went_live = Signal()
kit_expired = Signal()
