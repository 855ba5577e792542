from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.module_loading import import_string

from portal.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Where signing in lands without a safe `next`. Which start page
        fits which user is the project's decision (the apps that know the
        roles sit above this one): settings.LOGIN_REDIRECT_FOR names a
        function of the user giving a URL, or "" for LOGIN_REDIRECT_URL."""
        hook = getattr(settings, "LOGIN_REDIRECT_FOR", "")
        if hook and self.request.user.is_authenticated:
            url = import_string(hook)(self.request.user)
            if url:
                return url
        return super().get_default_redirect_url()
