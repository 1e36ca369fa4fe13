"""Uploads of many drafts at once, and where they are read: a folder picked whole (each file a
draft of its own unit, stray files left out and named), a .zip of a folder unpacked by the
worker under the workbook reader's zip guards (sizes from the directory, nothing outside the
folder, a bounded count), the progress of an upload, and every file read only in the worker's
capped process — never in the server's — under the batch workers' memory and time limits."""
from __future__ import annotations

import io
import json
import os
import time
import zipfile

from sqlalchemy import text

from tests.web.workflow_fixtures import (FIXED_BYTES, SEED_BYTES, app_for, bureau, login, upload,  # noqa: F401
                                         wf_url)


def upload_folder(client, *files: tuple[str, bytes]):
    """As the browser sends a folder picked with <input webkitdirectory>: each file named with
    its path inside the folder."""
    return client.post("/drafts/upload", data={"csrf": client.csrf},
                       files=[("folder", (name, data, "application/octet-stream")) for name, data in files])


def zip_of(*members: tuple[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


def drafts(bureau) -> dict[str, tuple[str, str]]:
    with bureau.sessions() as s:
        return {name: (status, message) for name, status, message in
                s.execute(text("SELECT filename, status, message FROM wf_drafts ORDER BY id"))}


def test_a_folder_becomes_a_draft_per_file_with_progress(bureau):
    app = app_for(bureau)
    pub = login(app, "pub")
    response = upload_folder(pub, ("屯留县/公安局/budget.yaml", SEED_BYTES), ("屯留县/公安局/二稿/budget.yaml", FIXED_BYTES),
                             ("屯留县/.DS_Store", b"\0\0"), ("屯留县/说明.docx", b"PK"))
    assert response.status_code == 303
    target = response.headers["location"]
    assert target.startswith("/drafts?upload=") and "%E8%AF%B4%E6%98%8E.docx" in target  # 说明.docx named as left out
    status = pub.get("/drafts/status.json").json()
    assert status["pending"] and [(u["done"], u["total"]) for u in status["uploads"]] == [(0, 2)]
    page = pub.get(target).text
    assert "已检查 0 / 2" in page and "说明.docx" in page and "DS_Store" not in page

    assert bureau.work() == 2
    assert drafts(bureau).keys() == {"屯留县/公安局/budget.yaml", "屯留县/公安局/二稿/budget.yaml"}
    # two drafts of one unit and year: the second supersedes the first (test_workflow_supersede.py)
    assert [status for status, _ in drafts(bureau).values()] == ["superseded", "checked"]
    status = pub.get("/drafts/status.json").json()
    assert not status["pending"] and status["uploads"][0]["finished"] and status["uploads"][0]["done"] == 2
    assert all(d["unit"] == "长治市公安局屯留分局" for d in status["drafts"])
    assert len(pub.get("/drafts/status.json?show=all").json()["drafts"]) == 2
    assert "已检查 2 / 2" in pub.get("/drafts").text
    # A folder of nothing we read is refused as such; so is a file picked by itself of another kind.
    assert upload_folder(pub, ("x/a.docx", b"PK")).status_code == 400
    assert upload(pub, ("a.docx", b"PK")).status_code == 400
    # Another account sees neither the drafts nor the upload's progress.
    other = login(app, "pub2").get("/drafts/status.json").json()
    assert other["drafts"] == [] and other["uploads"] == []
    assert login(app, "rev").get("/drafts/status.json").json()["uploads"] == []


def test_a_zip_of_a_folder_is_unpacked_by_the_worker(bureau):
    app = app_for(bureau)
    pub = login(app, "pub")
    archive = zip_of(("单位/budget.yaml", SEED_BYTES), ("单位/改/budget.yaml", FIXED_BYTES), ("单位/notes.docx", b"x"),
                     ("__MACOSX/单位/._budget.yaml", b"\0"), ("单位/", b""))
    response = upload(pub, ("单位.zip", archive))
    assert response.status_code == 303 and response.headers["location"].startswith("/drafts?upload=")
    # The server stored the bytes only: nothing is unpacked before a worker takes the job.
    assert list(drafts(bureau)) == ["单位.zip"]
    assert bureau.work() == 3  # the archive, then each of its two drafts
    found = drafts(bureau)
    assert found["单位.zip"][0] == "unpacked" and "展开为 2 个文件" in found["单位.zip"][1]
    assert "notes.docx" in found["单位.zip"][1] and "MACOSX" not in found["单位.zip"][1]
    # two drafts of one unit and year: the later one supersedes the earlier
    assert (found["单位.zip/单位/budget.yaml"][0], found["单位.zip/单位/改/budget.yaml"][0]) == ("superseded", "checked")
    with bureau.sessions() as s:
        archive_id = s.execute(text("SELECT id FROM wf_drafts WHERE filename = '单位.zip'")).scalar()
    page = pub.get(f"/drafts/{archive_id}").text
    assert "已展开" in page and "展开为 2 个文件" in page and "notes.docx" in page
    progress = pub.get("/drafts/status.json").json()["uploads"][0]
    assert (progress["done"], progress["total"], progress["unpacking"], progress["finished"]) == (2, 2, 0, True)


def test_hostile_zips_are_refused_whole_or_in_part(bureau, monkeypatch):
    app = app_for(bureau)
    pub = login(app, "pub")
    monkeypatch.setenv("YUSUAN_MAX_UPLOAD_BYTES", "100000")
    monkeypatch.setenv("YUSUAN_MAX_UPLOAD_TOTAL_BYTES", "150000")
    cases = {
        "up.zip": zip_of(("../../etc/budget.yaml", SEED_BYTES)),  # leaves the folder
        "abs.zip": zip_of(("/tmp/budget.yaml", SEED_BYTES)),
        "many.zip": zip_of(*[(f"d/{i}.txt", b"x") for i in range(201)]),  # more files than an upload may have
        "total.zip": zip_of(*[(f"d/{i}.txt", b"\0" * 60000) for i in range(3)]),  # 180 kB declared, 150 kB allowed
        "big.zip": zip_of(("d/zeros.txt", b"\0" * 5_000_000), ("d/budget.yaml", SEED_BYTES)),  # 5 MB in ~5 kB
        "fake.zip": b"PK\x03\x04 not really",
    }
    for name, data in cases.items():
        assert upload(pub, (name, data)).status_code == 303, name
    bureau.work()
    found = drafts(bureau)
    assert found["up.zip"][0] == "refused" and ".." in found["up.zip"][1]
    assert found["abs.zip"][0] == "refused" and "/tmp/budget.yaml" in found["abs.zip"][1]
    assert found["many.zip"][0] == "refused" and "201" in found["many.zip"][1]
    assert found["total.zip"][0] == "refused" and "180,000" in found["total.zip"][1]
    assert found["fake.zip"][0] == "refused" and "zip" in found["fake.zip"][1]
    # The member over the per-file limit is left out and named; the rest of the folder is read.
    assert found["big.zip"][0] == "unpacked" and "d/zeros.txt" in found["big.zip"][1] and "5,000,000" in found["big.zip"][1]
    assert found["big.zip/d/budget.yaml"][0] == "checked"
    assert not any(name.startswith(("up.zip/", "abs.zip/", "many.zip/", "total.zip/")) for name in found)


def test_every_file_is_read_in_the_capped_process(bureau, monkeypatch):
    import resource

    import yusuan.jobs
    import yusuan.store.ingest as ingest
    from yusuan.errors import InputError
    from yusuan.limits import limit

    server, real = os.getpid(), ingest.read_input

    def spy(path, *args, **kwargs):
        # Refuse (the draft says so) if this ran in the server's process or without the cap.
        if os.getpid() == server:
            raise InputError(path, None, "read in the server's process")
        if resource.getrlimit(resource.RLIMIT_AS)[0] != limit("worker_memory"):
            raise InputError(path, None, "read without the workers' memory limit")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(ingest, "read_input", spy)
    app = app_for(bureau)
    pub = login(app, "pub")
    upload(pub, ("budget.yaml", SEED_BYTES))
    bureau.work()
    assert drafts(bureau)["budget.yaml"] == ("checked", "")

    # A file that takes longer than a worker may is ended with its process, and said so.
    def slow(path, filename):
        time.sleep(60)

    monkeypatch.setattr(yusuan.jobs, "read_and_check", slow)
    monkeypatch.setenv("YUSUAN_MAX_FILE_SECONDS", "1")
    upload(pub, ("slow.yaml", SEED_BYTES))
    started = time.monotonic()
    bureau.work()
    assert time.monotonic() - started < 30
    status, message = drafts(bureau)["slow.yaml"]
    assert status == "refused" and message.startswith("slow.yaml: took longer than 1 s")


def test_a_file_needing_too_much_memory_is_refused(bureau, monkeypatch):
    import yusuan.jobs

    def greedy(path, filename):
        return {"refused": "unreachable", "hog": bytearray(400 * 1024 * 1024)}

    monkeypatch.setattr(yusuan.jobs, "read_and_check", greedy)
    # a cap just above what the forked process already maps: 400 MB more cannot be had
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    monkeypatch.setenv("YUSUAN_MAX_WORKER_MEMORY", str(mapped + 200 * 1024 * 1024))
    pub = login(app_for(bureau), "pub")
    upload(pub, ("budget.yaml", SEED_BYTES))
    bureau.work()
    status, message = drafts(bureau)["budget.yaml"]
    assert status == "refused" and "more memory than a worker may use" in message, message
    assert json.dumps(message)  # one line of text, no trace
