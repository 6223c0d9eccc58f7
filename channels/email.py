"""Email through Django's mail backend (SMTP in production), one connection per batch."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy

from channels.base import Batch, Result, ResultKind, all_results, throttle

# What the mail server's answers in a stored reason mean to a ward officer, and what to do (see channels.base).
FAILURE_CAUSES = [
    (
        "recipient refused",
        gettext_lazy("The email address was refused"),
        gettext_lazy("Check these people's email addresses."),
    ),
    ("SMTP", gettext_lazy("The mail server failed"), gettext_lazy("Press “Retry failed” in a few minutes.")),
]


class EmailSender:
    kind = "email"
    batch_size = 200

    def send(self, batch: Batch) -> list[Result]:
        results: list[Result] = []
        try:
            connection = get_connection(fail_silently=False)
            connection.open()
        except smtplib.SMTPAuthenticationError as error:
            return all_results(batch, ResultKind.AUTH, f"SMTP login refused: {error.smtp_code}")
        except (OSError, smtplib.SMTPException) as error:
            return all_results(batch, ResultKind.RETRY, f"SMTP unreachable: {type(error).__name__}")
        try:
            for message in batch.messages:
                throttle("email", per_second=settings.EMAIL_MESSAGES_PER_SECOND)
                email = EmailMultiAlternatives(
                    subject=message.title,
                    body=message.text,
                    to=[message.address],
                    connection=connection,
                    # A stable id lets the receiving side recognise a re-sent copy as the same message.
                    headers={"Message-ID": f"<{message.request_id or f'delivery-{message.delivery_id}'}@{_domain()}>"},
                )
                if message.html:
                    email.attach_alternative(message.html, "text/html")
                results.append(self._send_one(email, message.delivery_id))
        finally:
            try:
                connection.close()
            except (OSError, smtplib.SMTPException):
                pass
        return results

    def _send_one(self, email: EmailMultiAlternatives, delivery_id: int) -> Result:
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values())) if error.recipients else (550, b"")
            kind = ResultKind.RETRY if 400 <= code < 500 else ResultKind.PERMANENT
            # The server's own words say why ("mailbox full", "user unknown"); they often quote the address,
            # which the delivery pipeline masks before it stores the reason.
            said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            return Result(delivery_id, kind, reason=f"recipient refused: {code} {said[:150]}".strip())
        except smtplib.SMTPResponseException as error:
            kind = ResultKind.RETRY if 400 <= error.smtp_code < 500 else ResultKind.PERMANENT
            return Result(
                delivery_id, kind, reason=f"SMTP {error.smtp_code}: {strip_tags(str(error.smtp_error))[:150]}"
            )
        except (TimeoutError, OSError, smtplib.SMTPException) as error:
            return Result(delivery_id, ResultKind.RETRY, reason=f"SMTP error: {type(error).__name__}")
        return Result(delivery_id, ResultKind.ACCEPTED, provider_message_id=f"delivery-{delivery_id}")


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
