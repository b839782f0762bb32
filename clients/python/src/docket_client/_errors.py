"""Docket's error: a SCREAMING_SNAKE ``code``, a message and ``where`` (an option, a JSON path)."""

from __future__ import annotations

from typing import Optional


class DocketError(Exception):
    """Every failure the client reports.

    Raised only by the constructor (code ``OPTION_INVALID``, ``where`` naming the option); after
    that each failure is passed to ``on_error`` and counted in ``stats()``, never raised.

    Example::

        try:
            Docket(url="ftp://x")
        except DocketError as error:
            print(error.code, error.where)  # OPTION_INVALID url
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        where: Optional[str] = None,
        cause: Optional[BaseException] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.where = where
        if cause is not None:
            self.__cause__ = cause

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def to_issue(self) -> dict:
        """The error as an issue (``code``, ``message``, ``where``), as the CLI prints them.

        Example::

            DocketError("X", "y", where="$.a").to_issue()  # {'code': 'X', 'message': 'y', 'where': '$.a'}
        """
        issue = {"code": self.code, "message": self.message}
        if self.where is not None:
            issue["where"] = self.where
        return issue


def to_docket_error(code: str, error: BaseException, message: Optional[str] = None) -> DocketError:
    """Wraps anything raised into a :class:`DocketError` with ``code`` (a DocketError passes as is).

    Example::

        to_docket_error("SPOOL_IO", OSError("disk full"), "cannot append").message
        # 'cannot append: disk full'
    """
    if isinstance(error, DocketError):
        return error
    text = str(error) or type(error).__name__
    return DocketError(code, text if message is None else f"{message}: {text}", cause=error)
