"""Bulk sync without I/O, and the two thin loops that send it.

A `SyncRun` reads the caller's rows lazily, checks each one (a row the
SDK refuses is never sent), groups the others in chunks of ``chunk_size`` for
the area's batch call, merges each chunk's answer into one
[`RowResult`][salesmanago.models.bulk.RowResult] per row, records acknowledged rows in the
checkpoint (``_checkpoint.py``) and paces the run after HTTP 429 (`Pacer`). What a kind of row needs
(how a row is checked, which call sends a chunk and how its answer is read) is a
`SyncKind`, given by ``resources/_contact_writes.py`` and
``resources/events.py``.

`run_blocking` sends one chunk after another; `run_concurrently`
keeps up to the client's in-flight limit of chunks running. They share every
decision; only sending and sleeping differ.
"""

from __future__ import annotations

import builtins
import hashlib
import importlib
import os
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, Generic, TypeVar

import anyio
import anyio.lowlevel
import attrs

from ._calls import Call, item_ref
from ._checkpoint import Checkpoint, CheckpointFile
from ._validation import check_positive
from .errors import (
    ArgumentTypeError,
    CheckpointError,
    RateLimitError,
    RequestFailedError,
    SalesManagoError,
)
from .errors import ValidationError as _ValidationError
from .models.bulk import RowResult, RowStatus, SyncProgress, SyncReport, UnreadableRow

__all__ = [
    "DEFAULT_RATE_RETRIES",
    "Chunk",
    "Pacer",
    "SyncKind",
    "SyncRun",
    "run_blocking",
    "run_concurrently",
]

R = TypeVar("R")
P = TypeVar("P")

#: How often a run re-sends a chunk answered with HTTP 429 (after the client's own retries).
DEFAULT_RATE_RETRIES: Final = 5
#: The first pause after a 429 when the platform gives no ``Retry-After``, in seconds ...
_FIRST_BACKOFF: Final = 1.0
#: ... doubling per 429 of the same chunk, up to this.
_MAX_BACKOFF: Final = 60.0
#: A pause between chunks shorter than this is dropped.
_MIN_PAUSE: Final = 0.01


@attrs.frozen(eq=False)  # hashed by identity: a chunk borrows the async run's limiter
class Chunk(Generic[P]):
    """One batch request's share of the input.

    Attributes:
        start: the first input row the chunk covers.
        end: one past the last input row it covers (rows of ``start .. end - 1``
            acknowledged by an earlier run or refused by the SDK are covered too).
        indexes: the input index of each item to send, by position.
        items: the prepared rows to send.
        refused: the texts of the rows the SDK refused, by index (never sent).
        digest: the checkpoint digest of the input rows ``0 .. end - 1``.
    """

    start: int
    end: int
    indexes: Sequence[int]
    items: Sequence[P]
    refused: dict[int, tuple[str, ...]]
    digest: str


@attrs.frozen
class SyncKind(Generic[R, P]):
    """What a bulk sync of one kind of row needs.

    Attributes:
        name: the kind (``contacts``, ``events``), recorded in the checkpoint.
        prepare: checks a row (its input index, the row) and returns what the chunk
            sends; a ValidationError refuses the row (its text is the row's error).
        call: the batch call of a chunk, answering one RowResult per item sent.
        max_chunk: the largest ``chunk_size`` the batch call takes.
    """

    name: str
    prepare: Callable[[int, R], P]
    call: Callable[[Chunk[P]], Call[list[RowResult]]]
    max_chunk: int


@attrs.define
class Pacer:
    """Run-level back-off after HTTP 429 (the client has already retried the request).

    A chunk answered with 429 is sent again after the ``Retry-After`` the platform
    gave (else 1 s, doubling per 429 of the same chunk, at most 60 s), up to
    ``max_retries`` times; then it fails and the run stops. Each 429 also halves
    the chunks in flight (``limit``, at least 1) and sets a pause between chunk
    starts; each acknowledged chunk halves the pause, and a run of ``limit``
    acknowledged chunks lets one more chunk fly, up to ``most``.
    """

    limit: int
    most: int
    max_retries: int = DEFAULT_RATE_RETRIES
    pause: float = 0.0
    _streak: int = 0

    def succeeded(self) -> None:
        """A chunk was acknowledged: ease off the pacing."""
        self.pause = self.pause / 2 if self.pause / 2 >= _MIN_PAUSE else 0.0
        self._streak += 1
        if self.limit < self.most and self._streak >= self.limit:
            self.limit += 1
            self._streak = 0

    def rate_limited(self, error: RateLimitError, attempt: int) -> float | None:
        """Seconds to wait before sending a chunk again after its 429 number
        ``attempt + 1``, or ``None`` when it has had its retries."""
        if attempt >= self.max_retries:
            return None
        self.limit = max(1, self.limit // 2)
        self._streak = 0
        if error.retry_after is not None:
            delay = min(max(error.retry_after, 0.0), _MAX_BACKOFF)
        else:
            delay = min(_FIRST_BACKOFF * 2**attempt, _MAX_BACKOFF)
        self.pause = min(max(self.pause * 2, delay / 4, _MIN_PAUSE), _MAX_BACKOFF)
        return delay


#: The SyncProgress count of each status.
_COUNTER: Final = {
    RowStatus.APPLIED: "applied",
    RowStatus.REFUSED: "refused",
    RowStatus.NOT_SENT: "not_sent",
}


def _row_bytes(row: object) -> bytes:
    """What identifies a row's content in the checkpoint digest: its ``repr``
    (the SDK's models are frozen attrs classes: every field, in a fixed order)."""
    return repr(row).encode("utf-8", "surrogatepass")


class SyncRun(Generic[R, P]):
    """One bulk sync: the chunk plan, the merge of outcomes, the checkpoint, the counts."""

    def __init__(
        self,
        kind: SyncKind[R, P],
        rows: Iterable[R | UnreadableRow],
        limit: int,
        chunk_size: int,
        checkpoint: str | os.PathLike[str] | None,
        progress: Callable[[SyncProgress], None] | None,
        on_result: Callable[[RowResult], None] | None,
        keep_results: bool,
        max_rate_retries: int,
        row_key: Callable[[Any], bytes] | None = None,
    ) -> None:
        """A run of ``kind`` over ``rows`` with ``limit`` chunks in flight; the other
        arguments are those of a ``sync`` method, in its order."""
        if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
            raise _ValidationError("rows", f"must be an iterable of {kind.name} rows")
        check_positive(chunk_size, "chunk_size")
        if chunk_size > kind.max_chunk:
            raise _ValidationError("chunk_size", f"must be at most {kind.max_chunk}")
        if isinstance(max_rate_retries, bool) or max_rate_retries < 0:
            raise _ValidationError("max_rate_retries", "must be an integer, 0 or more")
        self.kind = kind
        self._rows = rows
        self._row_key = _row_bytes if row_key is None else row_key
        self._chunk_size = chunk_size
        self._path = checkpoint
        self._file = None if checkpoint is None else CheckpointFile(checkpoint, kind.name)
        self._state = Checkpoint(kind=kind.name) if self._file is None else self._file.load()
        self._progress = progress
        self._on_result = on_result
        self._results: list[RowResult] | None = [] if keep_results else None
        self.pacer = Pacer(limit=limit, most=limit, max_retries=max_rate_retries)
        self._counts: dict[str, int] = dict.fromkeys(attrs.fields_dict(SyncProgress), 0)
        self._exhausted = False
        self.error: str | None = None

    # planning ------------------------------------------------------------------

    @property
    def stopped(self) -> bool:
        """Whether a chunk failed for good: no further chunk is started."""
        return self.error is not None

    def chunks(self) -> Iterator[Chunk[P]]:
        """The chunks to send, built as the input is read.

        When resuming, nothing is handed out until the rows before the highest
        acknowledged one have been read and their digest matches the checkpoint
        (the chunks of the rows not acknowledged among them wait meanwhile).
        """
        state = self._state
        hasher = hashlib.sha256()
        verified = state.hashed == 0
        resuming = len(state.done) > 0
        hashing = self._file is not None  # the digest serves the checkpoint only
        prepare, row_key, size, counts = (
            self.kind.prepare,
            self._row_key,
            self._chunk_size,
            self._counts,
        )
        held: list[Chunk[P]] = []
        start = 0
        items: list[P] = []
        indexes: list[int] = []
        refused: dict[int, tuple[str, ...]] = {}
        index = -1
        for index, row in enumerate(self._rows):
            if self.error is not None:  # stopped
                return
            if hashing:
                data = row_key(row)
                hasher.update(len(data).to_bytes(8, "little") + data)
            counts["read"] = index + 1
            if resuming and index in state.done:
                self._resumed(index)
            elif isinstance(row, UnreadableRow):
                refused[index] = (row.reason,)
            else:
                try:
                    items.append(prepare(index, row))
                    indexes.append(index)
                except ArgumentTypeError:
                    raise
                except _ValidationError as error:
                    refused[index] = (str(error),)
            if not verified and index + 1 == state.hashed:
                self._verify(hasher.hexdigest())
                verified = True
            if len(items) >= size or len(refused) >= size:
                held.append(Chunk(start, index + 1, indexes, items, refused, hasher.hexdigest()))
                start, items, indexes, refused = index + 1, [], [], {}
                if verified:
                    yield from held
                    held.clear()
        self._exhausted = True
        if not verified:
            raise CheckpointError(
                f"the input has {index + 1} rows, fewer than the {state.hashed} the checkpoint "
                f"{str(self._path)!r} covers: it is not the input of that run; nothing was sent"
            )
        if items or refused:
            held.append(Chunk(start, index + 1, indexes, items, refused, hasher.hexdigest()))
        yield from held

    def _verify(self, digest: str) -> None:
        if digest != self._state.digest:
            raise CheckpointError(
                f"the first {self._state.hashed} rows of the input differ from those the "
                f"checkpoint {str(self._path)!r} acknowledged: it belongs to another input "
                "(rows changed or reordered); nothing was sent. Use the same input, or "
                "remove the checkpoint to start over"
            )

    def _resumed(self, index: int) -> None:
        texts = self._state.refused.get(index)
        status = RowStatus.APPLIED if texts is None else RowStatus.REFUSED
        self._counts["resumed"] += 1
        self._emit(RowResult(index=index, status=status, errors=texts or (), resumed=True))

    # merging ---------------------------------------------------------------------

    def call(self, chunk: Chunk[P]) -> Call[list[RowResult]] | None:
        """The chunk's batch call (``None`` when every row of it was refused by the SDK)."""
        return self.kind.call(chunk) if chunk.items else None

    def acknowledge(self, chunk: Chunk[P], results: Sequence[RowResult]) -> None:
        """Record the answer about a chunk: one result per item sent, in order."""
        self._counts["requests"] += bool(chunk.items)
        refused = dict(chunk.refused)
        for result in results:
            if result.status is RowStatus.REFUSED:
                refused[result.index] = result.errors
        # the refusals go to the file only: a run of many bad rows keeps no text of them
        self._state.add([(chunk.start, chunk.end)], {}, chunk.end, chunk.digest)
        if self._file is not None:
            self._file.record(self._state, chunk.start, chunk.end, refused)
        self._emit_refused(chunk)
        for result in results:
            self._emit(result)
        self._report_progress()

    def after_failure(
        self, chunk: Chunk[P], call: Call[list[RowResult]], error: Exception, attempt: int
    ) -> float | list[RowResult] | None:
        """What to do after a failed attempt to send ``chunk``:

        - a 429: the seconds to wait before sending it again (`Pacer`);
        - a refusal whose texts name every item of the chunk (the platform refused
          each item on its own, so no item applied and the answer is no success):
          the chunk's results, every row refused with its texts, to acknowledge;
        - any other SalesManagoError: ``None``; the chunk failed for good, its rows
          are NOT_SENT and the run stops.

        An error that is no SalesManagoError is raised.
        """
        if not isinstance(error, SalesManagoError):
            raise error
        if isinstance(error, RateLimitError):
            delay = self.pacer.rate_limited(error, attempt)
            if delay is not None:
                return delay
        if isinstance(error, RequestFailedError) and _names_every_item(call, error.body):
            return call.parse(error.body)  # type: ignore[arg-type]  # a Mapping, checked
        self.error = _short(f"{type(error).__name__}: {error}")
        self._emit_refused(chunk)
        for index in chunk.indexes:
            self._emit(RowResult(index=index, status=RowStatus.NOT_SENT, errors=(self.error,)))
        self._report_progress()
        return None

    def _emit_refused(self, chunk: Chunk[P]) -> None:
        for index, texts in sorted(chunk.refused.items()):
            self._emit(RowResult(index=index, status=RowStatus.REFUSED, errors=texts))

    def _emit(self, result: RowResult) -> None:
        self._counts[_COUNTER[result.status]] += 1
        if self._results is not None:
            self._results.append(result)
        if self._on_result is not None:
            self._on_result(result)

    def _report_progress(self) -> None:
        if self._progress is not None:
            self._progress(SyncProgress(**self._counts))

    def close(self) -> None:
        """Close the checkpoint file (a run ended by an exception keeps it for a resume)."""
        if self._file is not None:
            self._file.close()

    def finish(self) -> SyncReport:
        """The run's report; a complete run's checkpoint file is removed."""
        complete = self._exhausted and not self.stopped and not self._counts["not_sent"]
        if self._file is not None and complete:
            self._file.remove()
        self.close()
        results = () if self._results is None else tuple(sorted(self._results, key=_index))
        return SyncReport(
            progress=SyncProgress(**self._counts),
            results=results,
            complete=complete,
            error=self.error,
        )


def _index(result: RowResult) -> int:
    return result.index


def _names_every_item(call: Call[Any], body: object) -> bool:
    """Whether a refusal's ``message`` names each item the chunk sent
    (``upsertDetails[0]`` ... by position in the chunk)."""
    if call.items_key is None or call.indexes is None or not isinstance(body, Mapping):
        return False
    texts = body.get("message")
    if not isinstance(texts, list):
        return False
    pattern = item_ref(call.items_key)
    named = {int(m.group(1)) for text in texts for m in pattern.finditer(str(text))}
    return named == set(range(len(call.indexes)))


def _short(text: str, limit: int = 400) -> str:
    """``text`` cut to ``limit`` characters (a refusal of 400 items is long)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _send_blocking(
    run: SyncRun[Any, Any],
    chunk: Chunk[Any],
    execute: Callable[[Call[list[RowResult]]], list[RowResult]],
    sleep: Callable[[float], None],
) -> list[RowResult] | None:
    """The results of one chunk, re-sent after 429s; ``None`` when it failed for good."""
    call = run.call(chunk)
    if call is None:
        return []
    attempt = 0
    while True:
        if run.pacer.pause:
            sleep(run.pacer.pause)
        try:
            results = execute(call)
        except Exception as error:
            after = run.after_failure(chunk, call, error, attempt)
            if after is None or isinstance(after, list):
                return after
            sleep(after)
            attempt += 1
            continue
        run.pacer.succeeded()
        return results


def run_blocking(
    run: SyncRun[Any, Any],
    execute: Callable[[Call[list[RowResult]]], list[RowResult]],
    sleep: Callable[[float], None],
) -> SyncReport:
    """Send the run's chunks one after another."""
    try:
        for chunk in run.chunks():
            results = _send_blocking(run, chunk, execute, sleep)
            if results is None:
                break
            run.acknowledge(chunk, results)
        return run.finish()
    finally:
        run.close()


#: The exception groups anyio's task groups raise: the built-in class from Python 3.11,
#: the ``exceptiongroup`` backport's (an anyio dependency there) on 3.10.
_GROUP: Final[type[BaseException]] = (
    vars(builtins)["BaseExceptionGroup"]
    if sys.version_info >= (3, 11)
    else importlib.import_module("exceptiongroup").BaseExceptionGroup
)


def _as_raised(error: BaseException) -> BaseException:
    """What a run raises for ``error`` leaving its task group: the one exception a group
    holds (a run raises each failure as it is), else ``error`` itself.

    Only the task group's own body can put one there: a ``BaseException`` landing in it
    while the next rows are read, as Ctrl-C does on Python 3.10, whose ``asyncio.run``
    raises it in whatever code runs (3.11 cancels the main task instead).
    """
    inner: Sequence[BaseException] = (
        getattr(error, "exceptions", ()) if isinstance(error, _GROUP) else ()
    )
    return _as_raised(inner[0]) if len(inner) == 1 else error


async def run_concurrently(
    run: SyncRun[Any, Any],
    execute: Callable[[Call[list[RowResult]]], Awaitable[list[RowResult]]],
    sleep: Callable[[float], Awaitable[None]],
) -> SyncReport:
    """Send the run's chunks, up to ``run.pacer.limit`` at a time (it shrinks after a
    429). After a failure no chunk is started; those in flight are awaited, not
    cancelled (a cancelled write may still land), and acknowledged when they succeed.
    An error reading the input (a CheckpointError, a row of the wrong type), or
    raised by a callback, stops the run too and is raised once the chunks in flight
    are done."""
    limiter = anyio.CapacityLimiter(run.pacer.limit)
    cancelled = anyio.get_cancelled_exc_class
    failure: list[BaseException] = []

    async def send(chunk: Chunk[Any], call: Call[list[RowResult]]) -> None:
        try:
            attempt = 0
            while True:
                if run.pacer.pause:
                    await sleep(run.pacer.pause)
                try:
                    results = await execute(call)
                except Exception as error:
                    after = run.after_failure(chunk, call, error, attempt)
                    limiter.total_tokens = run.pacer.limit
                    if isinstance(after, list):
                        run.acknowledge(chunk, after)
                    if after is None or isinstance(after, list):
                        return
                    await sleep(after)
                    attempt += 1
                    continue
                run.pacer.succeeded()
                limiter.total_tokens = run.pacer.limit
                run.acknowledge(chunk, results)
                return
        except cancelled():
            raise
        except BaseException as error:  # raised as it is once the others are done
            failure.append(error)
        finally:
            limiter.release_on_behalf_of(chunk)

    try:
        async with anyio.create_task_group() as group:
            chunks = run.chunks()
            while not run.stopped and not failure:
                try:
                    chunk = next(chunks)
                except StopIteration:
                    break
                except Exception as error:  # raised after the chunks in flight are done
                    failure.append(error)
                    break
                call = run.call(chunk)
                if call is None:
                    run.acknowledge(chunk, [])
                    continue
                await limiter.acquire_on_behalf_of(chunk)
                if run.stopped or failure:
                    limiter.release_on_behalf_of(chunk)
                    break
                group.start_soon(send, chunk, call)
                # let it send before the next chunk is read (reading blocks the loop)
                await anyio.lowlevel.checkpoint()
    except BaseException as error:
        raised = _as_raised(error)
        if raised is error:
            raise
        raise raised from None
    finally:
        run.close()
    if failure:
        raise failure[0]
    return run.finish()
