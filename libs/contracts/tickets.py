"""Download tickets: ``rpc.auth.tickets.create``.

A ticket lets a browser fetch one download URL by plain navigation, which cannot send an
Authorization header. It is a token signed with auth's key like a sign-in token, told apart by its
audience, bound to one URL and short-lived, so any gateway copy verifies it without shared state.
"""

from __future__ import annotations

import msgspec

from libs.contracts.auth import AuthSource
from libs.contracts.registry import declare

# The ``aud`` claim of a ticket; sign-in tokens carry no audience and gateways refuse any that does.
TICKET_AUDIENCE = "download"
TICKET_SECONDS = 60


class TicketCreate(msgspec.Struct, kw_only=True):
    username: str
    # The canonical path and query the ticket opens (the gateway canonicalises and checks it).
    url: str
    # How the asking user signed in, carried into the ticket so a download shows the same source.
    auth_source: AuthSource


class Ticket(msgspec.Struct, kw_only=True):
    ticket: str
    expires_in: int


TICKETS_CREATE = declare(
    "rpc", "rpc.auth.tickets.create", TicketCreate, "Sign a short-lived ticket for one download URL of a user.", Ticket
)
