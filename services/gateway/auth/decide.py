"""Who may call a route: a pure decision from the route's declared access and the caller."""

from __future__ import annotations

from libs.contracts.auth import Principal
from libs.contracts.envelope import RpcError
from services.gateway.routing import ROLE_RANK


def refusal(access: str, before_password_change: bool, caller: Principal) -> RpcError | None:
    """Why ``caller`` may not call a route declared with ``access``; None when it may.

    Public routes never get here: the middleware lets them through without a caller.
    """
    if caller.must_change_password and not before_password_change:
        return RpcError("password_change_required", "change your password before doing anything else")
    if access == "authenticated":
        return None
    needed = ROLE_RANK.get(access)
    if needed is None:
        # A route declared with an access level this table does not know is closed, not open.
        return RpcError("forbidden", f"this route's access level {access!r} is unknown")
    if ROLE_RANK.get(caller.role, 0) < needed:
        return RpcError("forbidden", f"this needs the {access} role; you are {caller.role}")
    return None
