"""Pinpoint's error classes as Python exceptions.

Every error the service raises is one of the seven modelled classes, so each driver can
render it the way AWS does: the emulator as status + ``x-amzn-ErrorType`` + ``{"Message",
"RequestID"}``, the in-process client as boto3's ``ClientError`` subclass of the same name.
"""

from __future__ import annotations

from typing import ClassVar


class PinpointError(Exception):
    """Base of the modelled errors; ``message`` names the field and the limit."""

    status: ClassVar[int] = 500
    error_type: ClassVar[str] = "InternalServerErrorException"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(PinpointError):
    status = 400
    error_type = "BadRequestException"


class Forbidden(PinpointError):
    status = 403
    error_type = "ForbiddenException"


class NotFound(PinpointError):
    status = 404
    error_type = "NotFoundException"


class MethodNotAllowed(PinpointError):
    status = 405
    error_type = "MethodNotAllowedException"


class PayloadTooLarge(PinpointError):
    status = 413
    error_type = "PayloadTooLargeException"


class TooManyRequests(PinpointError):
    status = 429
    error_type = "TooManyRequestsException"


class InternalServerError(PinpointError):
    status = 500
    error_type = "InternalServerErrorException"


ERROR_CLASSES: tuple[type[PinpointError], ...] = (
    BadRequest,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    TooManyRequests,
    InternalServerError,
)
