"""Cache generations: one number per family of cached answers, bumped when
anything those answers depend on is saved or deleted.

A cached answer is stored under a key that contains the generation current
when it was made, so a bump retires every one of them at once: the next
request misses, does the full work and caches again under the new number.
Nothing has to know which entries a change touched.

What each generation follows is listed in one place, portal/core/cache_deps.py.
Only saves and deletes send the signals that bump a generation: a write that
sends none (QuerySet.update(), bulk writes, raw SQL) to a model listed there
calls cache_deps.retire() itself, or cached answers outlive the change until
they expire.

The number lives in the cache itself, so every process that shares the
cache (Redis in production) sees a bump at once. Without REDIS_URL the cache
is the process's own memory; run a single web process then (as `make run`
does), or changes made in one process go unseen by the others until their
entries expire.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


class Generation:
    def __init__(self, name: str):
        self.key = f"{name}:generation"

    def current(self) -> int:
        value = cache.get(self.key)
        if value is None:
            # After an eviction: start from a number never used before.
            cache.add(self.key, time.time_ns(), None)
            value = cache.get(self.key, 0)
        return value

    def bump(self, **_signal_kwargs) -> None:
        try:
            cache.incr(self.key)
        except ValueError:
            cache.set(self.key, time.time_ns(), None)

    def changed(self, **_signal_kwargs) -> None:
        """A signal receiver: bump now, and again once the change is committed,
        so a request that read the old rows meanwhile can't keep its answer."""
        self.bump()
        transaction.on_commit(self.bump)

    def follow(self, *models, deletes_only=(), relations=(), ignore_fields=()) -> None:
        """Bump on every save and delete of `models`, every delete of
        `deletes_only`, and every change of the many-to-many `relations`.

        A save that only writes fields in `ignore_fields` (say, a user's
        last_login) leaves the generation alone."""
        ignored = frozenset(ignore_fields)

        def on_save(update_fields=None, **_kwargs):
            if update_fields and ignored.issuperset(update_fields):
                return
            self.changed()

        for model in models:
            uid = f"{self.key}:{model._meta.label_lower}"
            # weak=False: this closure has no other owner to keep it alive.
            post_save.connect(on_save, sender=model, weak=False, dispatch_uid=uid + ":save")
            post_delete.connect(self.changed, sender=model, dispatch_uid=uid + ":delete")
        for model in deletes_only:
            uid = f"{self.key}:{model._meta.label_lower}"
            post_delete.connect(self.changed, sender=model, dispatch_uid=uid + ":delete")
        for relation in relations:
            through = relation.through
            m2m_changed.connect(
                self.changed, sender=through, dispatch_uid=f"{self.key}:{through._meta.label_lower}"
            )
