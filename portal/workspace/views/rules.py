"""Messaging rules: banned phrases and required legal lines, per kit and
per partner type."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from assets import messaging, services
from assets.models import Kit, MessagingRule
from portal.core.errors import CobrandError, form_error_from
from portal.partners.models import PartnerType
from portal.workspace.access import workspace_required


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label="Rule", choices=MessagingRule.Kind.choices)
    text = forms.CharField(
        label="Phrase or legal line",
        max_length=500,
        help_text="A banned phrase is refused in partners' texts (any case, as a whole "
        "phrase). A legal line is printed wherever a source shows {{ legal.lines }}.",
    )


class PartnerTypeRuleForm(RuleForm):
    partner_type = forms.ChoiceField(label="Partner type", choices=PartnerType.choices)

    field_order = ["partner_type", "kind", "text"]


def _delete(request, rules) -> bool:
    """Remove the rule named by a "delete" POST among `rules`; whether one was."""
    raw = request.POST.get("delete", "")
    if not raw.isdigit():
        return False
    rule = get_object_or_404(rules, pk=raw)
    services.messaging_rule_delete(rule=rule, by=request.user)
    messages.success(request, f"Removed the rule “{rule.text}”.")
    return True


def _create(request, form, **scope) -> bool:
    if not form.is_valid():
        return False
    try:
        services.messaging_rule_create(
            kind=form.cleaned_data["kind"], text=form.cleaned_data["text"], by=request.user, **scope
        )
    except CobrandError as exc:
        form_error_from(form, exc, "text")
        return False
    messages.success(request, "Rule added.")
    return True


@workspace_required
def kit_rules(request, pk: int):
    """The kit's own rules, and those it inherits from partner types."""
    kit = get_object_or_404(Kit, pk=pk)
    form = RuleForm()
    status = 200
    if request.method == "POST":
        if _delete(request, messaging.kit_rules(kit)):
            return redirect("workspace:kit_rules", pk=kit.pk)
        form = RuleForm(request.POST)
        if _create(request, form, kit=kit):
            return redirect("workspace:kit_rules", pk=kit.pk)
        status = 400
    context = {"kit": kit, "form": form, "rules": messaging.kit_rules(kit)}
    context["type_rules"] = messaging.partner_type_rules()
    return render(request, "workspace/kit_rules.html", context, status=status)


@workspace_required
def rules(request):
    """Rules for every asset rendered for partners of a type."""
    form = PartnerTypeRuleForm()
    status = 200
    if request.method == "POST":
        if _delete(request, messaging.partner_type_rules()):
            return redirect("workspace:rules")
        form = PartnerTypeRuleForm(request.POST)
        if form.is_valid() and _create(
            request, form, partner_type=form.cleaned_data["partner_type"]
        ):
            return redirect("workspace:rules")
        status = 400
    return render(
        request,
        "workspace/rules.html",
        {"form": form, "rules": messaging.partner_type_rules(), "status": status},
        status=status,
    )
