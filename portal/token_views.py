"""An officer's own API tokens: made and named here, the key shown once, the last use seen, revoked after a
confirmation. Thin: the rules are in portal.common.tokens."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from groups.access import account_required
from portal.common import tokens
from portal.common.audit import client_ip
from portal.common.forms import ApiTokenForm
from portal.common.web import apply_errors


@account_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    made = key = None
    if request.method == "POST" and form.is_valid():
        try:
            made, key = tokens.token_create(user=request.user, name=form.cleaned_data["name"], ip=client_ip(request))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "account/api_tokens.html",
        {"form": form, "made": made, "key": key, "tokens": tokens.tokens_for_user(user=request.user)},
    )


@account_required
@require_http_methods(["GET", "POST"])
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = tokens.token_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        tokens.token_revoke(token=token, by=request.user, ip=client_ip(request))
        messages.success(request, _("The token “%s” is revoked: nothing can use it any more.") % token.name)
        return redirect("api_tokens")
    return render(request, "account/api_token_revoke.html", {"token": token})
