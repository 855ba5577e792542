from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.accounts.forms import InvitationAcceptForm
from portal.core.errors import DomainError, form_error_from
from portal.core.files import serve_stored_file
from portal.partners import selectors, services
from portal.partners.access import partner_required
from portal.partners.forms import BrandProfileForm, InvitationForm


@partner_required(admin_to_change=True)
def brand_profile(request):
    """Partner admins edit the profile; partner users see it read-only."""
    profile = services.brand_profile_for(request.partner)
    form = BrandProfileForm(request.POST or None, request.FILES or None, instance=profile)
    can_change = request.membership.is_partner_admin
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        # One commit for the details and the logos: whatever follows a
        # change of profile (re-rendering) sees all of it at once.
        with transaction.atomic():
            form.save()
            for field, dark in (("logo", False), ("logo_dark", True)):
                upload = form.cleaned_data.get(f"{field}_upload")
                if upload:
                    services.brand_logo_store(profile=profile, logo=upload, dark=dark)
                    for warning in upload.warnings:
                        messages.warning(request, warning)
                elif form.cleaned_data.get(f"remove_{field}"):
                    services.brand_logo_remove(profile=profile, dark=dark)
        messages.success(request, "Your brand profile is saved.")
        return redirect("partners:brand_profile")
    return render(
        request,
        "partners/brand_profile.html",
        {
            "form": form,
            "profile": profile,
            "can_change": can_change,
            "missing": selectors.brand_profile_missing(profile),
            "completeness": selectors.brand_profile_completeness(profile),
        },
    )


@partner_required
def brand_logo(request, variant: str):
    profile = services.brand_profile_for(request.partner)
    field = {"logo": profile.logo, "logo-dark": profile.logo_dark}.get(variant)
    if not field:
        raise Http404("No such logo.")
    return serve_stored_file(
        field,
        filename=f"{request.partner.slug}-{variant}.png",
        content_type="image/png",
        inline=True,
    )


@partner_required(admin=True)
def team(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                organisation=request.partner,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except DomainError as exc:
            form_error_from(form, exc, "email")
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("partners:team")
    return render(
        request,
        "partners/team.html",
        {
            "form": form,
            "members": selectors.team_members(request.partner),
            "invitations": selectors.open_invitations(request.partner),
        },
    )


@require_POST
@partner_required(admin=True)
def member_remove(request, pk: int):
    membership = get_object_or_404(request.partner.memberships.select_related("user"), pk=pk)
    services.membership_remove(membership=membership, by=request.user)
    messages.success(request, f"{membership.user.display_name} no longer has access.")
    return redirect("partners:team")


@require_POST
@partner_required(admin=True)
def invitation_revoke(request, pk: int):
    invitation = get_object_or_404(request.partner.invitations, pk=pk)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, f"The invitation for {invitation.email} is withdrawn.")
    return redirect("partners:team")


def invitation_accept(request, token: str):
    invitation = services.invitation_find(token)
    if invitation is None or not invitation.is_open:
        return render(
            request,
            "partners/invitation_invalid.html",
            {"invitation": invitation},
            status=410 if invitation else 404,
        )
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user = services.invitation_accept(
            invitation=invitation,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {invitation.organisation.name}'s partner portal.")
        return redirect("home:dashboard")
    return render(
        request, "partners/invitation_accept.html", {"form": form, "invitation": invitation}
    )
