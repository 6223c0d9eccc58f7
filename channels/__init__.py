"""Channel adapters: one module per provider behind the Sender interface of base.py, found by kind in registry.py.

The words, one per thing: a *channel kind* (groups.models.ChannelKind: zalo_oa, zalo_group, facebook_page, sms,
email, web_feed) is how a message travels; an announcement goes on channels, and each delivery has one kind. An
*outlet* (groups.models.Outlet) is a group's or the ward's own place for posts (a Zalo group, a Page, the web
feed). A person's *contact channels* (groups.models.ContactChannel) are the ones they agreed to be reached on.
"""

from channels.base import Message, Result, ResultKind, Sender

# sender_for and repeat_safe are in channels.registry, not here: channels is an installed app (its ProviderToken
# model), so this package is imported while Django loads its apps, before an adapter's models may be.
__all__ = ["Message", "Result", "ResultKind", "Sender"]
