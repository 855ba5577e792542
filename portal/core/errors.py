class DomainError(Exception):
    """A rule of the product was broken by the request; the message is safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
