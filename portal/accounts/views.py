from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render

from portal.accounts.forms import InvitationAcceptForm, LoginForm
from portal.core.errors import DomainError
from portal.partners import services as partner_services


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def invitation_accept(request, token: str):
    invitation = partner_services.invitation_find(token)
    if invitation is None or not invitation.is_open:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"invitation": invitation},
            status=410 if invitation else 404,
        )
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = partner_services.invitation_accept(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except DomainError as exc:
            return render(
                request,
                "accounts/invitation_invalid.html",
                {"invitation": invitation, "reason": exc.message},
                status=410,
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {invitation.organisation.name}'s partner portal.")
        return redirect("home:dashboard")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )
