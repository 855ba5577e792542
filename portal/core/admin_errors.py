"""The admin's one handler for CobrandErrors.

A ModelAdmin with `CobrandErrorAdminMixin` first:

- in the add/change form, an error raised while saving (save_model, a
  service it calls, save_related) rolls the whole save back (the admin saves
  inside a transaction) and the form is shown again with the error's
  message above it: no "added successfully", nothing stored;
- in an action on the list, the action's writes are rolled back and its
  message is shown as one error.
"""

import logging

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect

from portal.core.errors import CobrandError

log = logging.getLogger(__name__)

_REFUSED = "_cobrand_admin_refusal"


class CobrandErrorAdminMixin:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except CobrandError as error:
            if request.method != "POST" or hasattr(request, _REFUSED):
                raise
            # The save's transaction is rolled back; show the form again,
            # as typed, with the message (get_form adds it).
            log.info("admin %s refused: %s", self.model._meta.label, error.message)
            setattr(request, _REFUSED, error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, _REFUSED, None)
        if error is None:
            return form_class

        class Refused(form_class):
            def full_clean(self):
                super().full_clean()
                if self.is_bound:
                    self.add_error(None, error.message)

        Refused.__name__ = form_class.__name__
        return Refused

    def response_action(self, request, queryset):
        try:
            with transaction.atomic():
                return super().response_action(request, queryset)
        except CobrandError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
