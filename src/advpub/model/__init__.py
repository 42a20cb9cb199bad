"""The advisory model: data classes, parsing and validation. Imports nothing else of advpub
except the error base."""

from advpub.model.advisory import (
    Advisory,
    Affected,
    Credit,
    CvssScore,
    EarlyRelease,
    Fix,
    Reference,
    Remediation,
    Revision,
    VendorStatus,
    Withdrawn,
)
from advpub.model.options import DEFAULT_ID_PATTERN, ModelOptions
from advpub.model.parse import ParseResult, parse_advisory, parse_advisory_file
from advpub.model.translation import Translation, localized, parse_translation
from advpub.model.violation import Violation

__all__ = [
    "DEFAULT_ID_PATTERN",
    "Advisory",
    "Affected",
    "Credit",
    "CvssScore",
    "EarlyRelease",
    "Fix",
    "ModelOptions",
    "ParseResult",
    "Reference",
    "Remediation",
    "Revision",
    "Translation",
    "VendorStatus",
    "Violation",
    "Withdrawn",
    "localized",
    "parse_advisory",
    "parse_advisory_file",
    "parse_translation",
]
