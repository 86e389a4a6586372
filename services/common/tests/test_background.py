"""The background loop: a failing round is logged and the next one runs; stop ends it."""

import asyncio

from halfsky_common import background


async def test_a_failed_round_does_not_end_the_loop_and_stop_does() -> None:
    rounds: list[int] = []

    async def work() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise ConnectionError("database restarting")

    task = background.repeat(work, every=0.01, what="test work")
    while len(rounds) < 3:
        await asyncio.sleep(0.01)
    await background.stop(task)
    assert task.done() and len(rounds) >= 3
    await background.stop(None)  # nothing started: nothing to stop
