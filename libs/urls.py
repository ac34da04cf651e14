"""Addresses made safe to show."""

import re


def redact_url(url: str) -> str:
    """``url`` without the user and password it may carry."""
    return re.sub(r"//[^@/]*@", "//***@", url)
