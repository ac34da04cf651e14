"""Message contracts: every subject and body, declared once.

Importing this package registers every contract module, so ``all_contracts()`` is complete.
"""

from libs.contracts import health  # noqa: F401  (registers its subjects)
from libs.contracts import executor, jobs  # noqa: F401
from libs.contracts import archives  # noqa: F401
from libs.contracts import auth  # noqa: F401
from libs.contracts import tickets  # noqa: F401
from libs.contracts.base import Command, Empty, Event, new_id, utc_now
from libs.contracts.envelope import HTTP_STATUS, RpcError
from libs.contracts.registry import Contract, all_contracts

__all__ = [
    "Command",
    "Contract",
    "Empty",
    "Event",
    "HTTP_STATUS",
    "RpcError",
    "all_contracts",
    "new_id",
    "utc_now",
]
