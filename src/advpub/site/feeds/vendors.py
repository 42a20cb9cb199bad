"""The one-line vendor status summary of a feed entry (JVN's ベンダ情報 in brief)."""

from __future__ import annotations

from collections import Counter

from advpub.model import Advisory
from advpub.model.fields import VENDOR_STATUSES
from advpub.site.i18n import Labels


def vendor_summary(advisory: Advisory, t: Labels) -> str | None:
    """``ベンダ: 2 社該当, 1 社調査中`` / ``Vendors: 2 affected, 1 under investigation``
    in the labels ``t`` (the advisory's language); None without vendor statuses."""
    if not advisory.vendor_status:
        return None
    counts = Counter(s.status for s in advisory.vendor_status)
    # A fixed order (affected first), whatever order the file lists the vendors in.
    shown = [
        t(f"feed.vendors.{status}", n=counts[status])
        for status in VENDOR_STATUSES
        if counts[status]
    ]
    return t("feed.vendors", counts=", ".join(shown))
