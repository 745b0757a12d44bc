"""Let failing hypothesis tests report normally under ``filterwarnings = error``.

On a failure, hypothesis's pytest plugin imports libcst to suggest a patch, and libcst's import
emits a DeprecationWarning (mypy_extensions.TypedDict) that the error filter turns into a pytest
INTERNALERROR, hiding the failing example. Importing it once here, with that warning silenced,
keeps it out of the way. (The lasting fix is an ignore entry in pyproject's filterwarnings.)
"""

from __future__ import annotations

import contextlib
import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "mypy_extensions.TypedDict", DeprecationWarning)
    with contextlib.suppress(ImportError):
        import hypothesis.extra._patching  # noqa: F401
