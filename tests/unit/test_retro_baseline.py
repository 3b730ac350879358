"""The retro baseline (fakeredis): a list version loaded while no worker runs is owed a retro-screen
when a worker next starts, from the baseline version's fingerprints, until the baseline moves to it."""

from __future__ import annotations

import fakeredis
import fakeredis.aioredis

from screening.entities import Entity, EntityName, ListSnapshot
from screening.retro import changed_entities, source_fingerprints
from screening.suppression import fingerprints
from stores.keys import Keys
from stores.lists import rollback, save_snapshot
from streams.retro import retro_jobs
from streams.runtime import ListChange, Runtime
from streams.settings import Settings

BASE = ("Alpha Polysilicon Materials Co., Ltd.", "Gamma Quartz Mining Ltd.")


def ent(eid: str, name: str, version: str, source: str = "uflpa") -> Entity:
    return Entity(f"{source}:{eid}", source, f"{source} list", version, "organization", (EntityName(name),))


def snapshot(version: str, *extra: str, source: str = "uflpa") -> ListSnapshot:
    names = (*BASE, *extra) if source == "uflpa" else extra
    ents = tuple(ent(f"e{i}", n, version, source) for i, n in enumerate(names))
    return ListSnapshot(source, version, ents, None, f"sum-{source}-{version}")


class Worker:
    """What a starting worker does: load the lists in force, then ask which retro-screens are owed."""

    def __init__(self, server: fakeredis.FakeServer) -> None:
        self.changes: list[ListChange] = []
        self.rt = Runtime(Settings(kafka_bootstrap="127.0.0.1:1"), fakeredis.aioredis.FakeRedis(server=server))
        self.rt.list_listeners.append(self.changes.append)

    async def start(self) -> dict[str, ListChange]:
        assert await self.rt.reload_lists()
        return await self.jobs()

    async def jobs(self) -> dict[str, ListChange]:
        return await retro_jobs(self.rt.retro, self.rt.store, self.rt.lists)

    async def finish(self, source: str) -> bool:
        """The retro-screen of ``source`` is done (the scan itself is the agent's; not run here)."""
        change = (await self.jobs())[source]
        version = change.new_versions[source]
        fps = source_fingerprints(change.new_entities, change.new_fingerprints, source)
        return await self.rt.retro.advance_retro_baseline(source, version, fps)


async def test_a_version_loaded_while_no_worker_ran_is_owed_a_retro_screen() -> None:
    server = fakeredis.FakeServer()
    sync = fakeredis.FakeRedis(server=server)
    save_snapshot(sync, snapshot("A"), Keys())

    first = Worker(server)
    assert await first.start() == {}  # the first load: nothing was screened against an older version
    assert [c.old_versions for c in first.changes] == [{}]  # listeners hear of the first load too
    retro = first.rt.retro
    assert await retro.retro_baselines() == {"uflpa": "A"}
    assert await retro.retro_baseline_fps("uflpa", "A") == fingerprints(snapshot("A").entities)
    assert await retro.retro_is_done("uflpa", "A")
    assert await Worker(server).start() == {}  # a second worker: the baseline is in place

    # B then C are loaded while no worker runs (C supersedes B): one job, A -> C.
    save_snapshot(sync, snapshot("B", "Zanthor Polysilicon Works"), Keys())
    save_snapshot(sync, snapshot("C", "Zanthor Polysilicon Works", "Quellmarsh Crystal Materials"), Keys())
    restarted = Worker(server)
    jobs = await restarted.start()
    assert list(jobs) == ["uflpa"]
    job = jobs["uflpa"]
    assert job.old_versions == {"uflpa": "A"} and job.new_versions == {"uflpa": "C"}
    assert job.ctx.list_versions == {"uflpa": "C"}
    delta = changed_entities(job.old_fingerprints, job.new_entities, job.new_fingerprints)
    assert sorted(e.names[0].value for e in delta) == ["Quellmarsh Crystal Materials", "Zanthor Polysilicon Works"]
    assert not await retro.retro_is_done("uflpa", "C")
    assert await retro.claim_retro("uflpa", "C", "restarted", 30)
    assert not await retro.claim_retro("uflpa", "C", "another", 30)  # one worker scans

    # Until the scan finishes, the job stays owed (e.g. to a worker started after the scanning one died).
    assert list(await Worker(server).start()) == ["uflpa"]
    assert await restarted.finish("uflpa")
    assert await retro.retro_baselines() == {"uflpa": "C"}
    c = snapshot("C", "Zanthor Polysilicon Works", "Quellmarsh Crystal Materials")
    assert await retro.retro_baseline_fps("uflpa", "C") == fingerprints(c.entities)
    assert await retro.retro_baseline_fps("uflpa", "A") is None  # only the baseline's are kept
    assert not await retro.claim_retro("uflpa", "C", "late", 30)  # done: nobody scans it again
    assert await Worker(server).start() == {}


async def test_finishing_a_superseded_version_leaves_the_baseline_for_the_live_one() -> None:
    server = fakeredis.FakeServer()
    sync = fakeredis.FakeRedis(server=server)
    save_snapshot(sync, snapshot("A"), Keys())
    worker = Worker(server)
    await worker.start()
    save_snapshot(sync, snapshot("B", "Zanthor Polysilicon Works"), Keys())
    await worker.rt.reload_lists()
    job_b = (await worker.jobs())["uflpa"]
    save_snapshot(sync, snapshot("C", "Quellmarsh Crystal Materials"), Keys())  # B's scan still running

    fps_b = source_fingerprints(job_b.new_entities, job_b.new_fingerprints, "uflpa")
    assert not await worker.rt.retro.advance_retro_baseline("uflpa", "B", fps_b)  # B is no longer live
    assert await worker.rt.retro.retro_baselines() == {"uflpa": "A"}
    await worker.rt.reload_lists()
    assert (await worker.jobs())["uflpa"].old_versions == {"uflpa": "A"}  # C's scan covers A -> C

    # A rollback to B is a change like any other: B is re-screened from the baseline.
    assert await worker.finish("uflpa")
    rollback(sync, Keys(), "uflpa", to="B")
    await worker.rt.reload_lists()
    back = (await worker.jobs())["uflpa"]
    assert back.old_versions == {"uflpa": "C"} and back.new_versions == {"uflpa": "B"}


async def test_a_new_source_is_screened_in_full_and_lost_fingerprints_come_from_the_store() -> None:
    server = fakeredis.FakeServer()
    sync = fakeredis.FakeRedis(server=server)
    save_snapshot(sync, snapshot("A"), Keys())
    worker = Worker(server)
    await worker.start()
    save_snapshot(sync, snapshot("x1", "Newly Listed Trading Co.", source="csl"), Keys())
    save_snapshot(sync, snapshot("B", "Zanthor Polysilicon Works"), Keys())
    await worker.rt.reload_lists()
    retro = worker.rt.retro
    await retro.r.delete(retro.keys.retro_fps("uflpa", "A"))  # e.g. lost: read A's entities back instead
    jobs = await worker.jobs()
    assert sorted(jobs) == ["csl", "uflpa"]
    assert jobs["csl"].old_versions == {} and jobs["csl"].old_fingerprints == {}  # every csl entity is new
    assert jobs["uflpa"].old_fingerprints == fingerprints(snapshot("A").entities)
