"""The typed errors of the kernel protocol: each becomes an HTTP status and
a body {"__type": ..., "message": ...}."""


class KernelError(Exception):
    status = 500
    type = "InternalServerException"


class Invalid(KernelError):
    status = 400
    type = "ValidationException"


class NotFound(KernelError):
    status = 404
    type = "ResourceNotFoundException"


class Quota(KernelError):
    status = 402
    type = "ServiceQuotaExceededException"
