"""Channel adapters: one module per provider behind the Sender interface of base.py."""

from channels.base import Message, Result, ResultKind, Sender, sender_for

__all__ = ["Message", "Result", "ResultKind", "Sender", "sender_for"]
