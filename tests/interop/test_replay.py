#!/usr/bin/python3
# test_replay.py: duplex replay and duplex mock with real peers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A conversation with the tutorial's Python server (with one client it
# echoes) is recorded in the log's format by a websockets client; duplex
# replay sends it again to the same server, and duplex mock serves it to
# the tutorial's consumer and producer and to duplex itself. Prints TAP:
#   DUPLEX=build/src/duplex /usr/bin/python3 tests/interop/test_replay.py

import datetime
import json
import sys

import harness
from harness import case

# Offsets in seconds from the connection; text, binary (every byte value
# at the ends), JSON.
PLAN = [
    [0.10, "hello"],
    [0.35, {"hex": "00ff" + bytes(range(256)).hex() + "ff00"}],
    [0.60, '{"id": 1, "op": "sum", "args": [1, 2]}'],
    [0.75, "Привет, мир! ✓"],
]
SPACING_TOLERANCE_S = 0.010


def seed_server(t):
    return t.server(t.python("seed_server.py", "seed_server.py", "0"))


def record(t, url, plan=PLAN, name="conversation.jsonl"):
    plan_path = t.write_file("plan.json", json.dumps(plan).encode())
    out = t.tmp / name
    recorder = t.python("recorder", "record_conversation.py", url, out, plan_path)
    t.finish(recorder)
    return out


def read_log(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def seconds(entry):
    return datetime.datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).timestamp()


def payloads(entries, direction):
    return [harness.decode_json_line(json.dumps(e)) for e in entries if e["direction"] == direction
            and e["kind"] in ("text", "binary")]


def spacing(entries, direction):
    times = [seconds(e) for e in entries if e["direction"] == direction and e["kind"] in ("text", "binary")]
    return [b - a for a, b in zip(times, times[1:])]


@case("replay sends a recording again: the same echoes in the same order, byte for byte, "
      "with the recorded spacing (within 10 ms at --speed 1)")
def replay_same_conversation(t):
    server, url = seed_server(t)
    recording = read_log(record(t, url))
    recorded_echoes = payloads(recording, "received")
    recorded_spacing = spacing(recording, "sent")
    t.equal(len(recorded_echoes), len(PLAN), "the recording holds every echo")

    # A loaded machine can hold a process back for longer than the
    # tolerance now and then: the best of three runs must be within it.
    errors_by_run = []
    for run in range(3):
        replay = t.duplex(f"duplex replay {run + 1}", "replay", t.tmp / "conversation.jsonl", url, "--json")
        t.finish(replay)
        lines = [json.loads(line) for line in replay.stdout]
        t.equal(payloads(lines, "received"), recorded_echoes,
                "the replay's echoes are the recording's, in order, byte for byte")
        t.equal(payloads(lines, "sent"), payloads(recording, "sent"), "the replay sent what was recorded")
        errors = [abs(a - b) for a, b in zip(spacing(lines, "sent"), recorded_spacing)]
        errors_by_run.append(errors)
        t.notes.append(f"run {run + 1}: spacing errors {[round(e * 1000, 1) for e in errors]} ms")
        if max(errors) <= SPACING_TOLERANCE_S:
            return
    t.check(False, "one of three replays keeps the recorded spacing within 10 ms",
            [[round(e * 1000, 1) for e in errors] for errors in errors_by_run])


@case("replay --speed 2 halves the pauses; --no-timing sends at once")
def replay_speed(t):
    server, url = seed_server(t)
    path = record(t, url)
    recorded = spacing(read_log(path), "sent")
    # The best of three runs, as above.
    for run in range(3):
        replay = t.duplex(f"duplex replay --speed 2 ({run + 1})", "replay", path, url, "--json",
                          "--speed", "2")
        t.finish(replay)
        fast = spacing([json.loads(line) for line in replay.stdout], "sent")
        errors = [abs(got - want / 2) for want, got in zip(recorded, fast)]
        t.notes.append(f"run {run + 1}: errors {[round(e * 1000, 1) for e in errors]} ms")
        if max(errors) <= SPACING_TOLERANCE_S:
            break
    else:
        t.check(False, "each pause is half the recorded one (within 10 ms) in one of three runs", t.notes)

    replay = t.duplex("duplex replay --no-timing", "replay", path, url, "--json", "--no-timing")
    t.finish(replay)
    lines = [json.loads(line) for line in replay.stdout]
    t.check(sum(spacing(lines, "sent")) < 0.2, "without timing the messages go at once",
            spacing(lines, "sent"))
    t.equal(len(payloads(lines, "received")), len(PLAN), "every echo comes back")


@case("a damaged recording is refused with its file and line, and nothing is sent")
def replay_damaged(t):
    server, url = seed_server(t)
    path = record(t, url)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace('"size":', '"size":1', 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    replay = t.duplex("duplex replay", "replay", path, url)
    t.finish(replay, expected_status=1)
    message = "\n".join(replay.stderr)
    t.check(str(path) in message and "line 4" in message, "the error names the file and line 4", message)
    t.equal(sum(line.startswith("+ ") for line in server.stderr), 1,
            "only the recorder ever connected, replay did not")
    mock = t.duplex("duplex mock", "mock", path, "--port", "0")
    t.finish(mock, expected_status=1)
    t.check("line 4" in "\n".join(mock.stderr), "mock refuses it too, naming line 4", mock.stderr)


@case("a classroom recording replays as a demo script: --play received, to the relay, "
      "reaches a watching student in order")
def replay_classroom(t):
    server, url = seed_server(t)
    path = record(t, url)
    recorded = payloads(read_log(path), "received")
    relay, relay_url = t.relay()
    student = t.duplex("student", "consume", relay_url, "--json")
    t.wait_clients(relay, 1)
    teacher = t.duplex("duplex replay --play received", "replay", path, relay_url, "--play", "received",
                       "--speed", "4")
    t.finish(teacher)
    lines = student.wait_stdout_lines(len(recorded))
    t.equal([harness.decode_json_line(line) for line in lines], recorded,
            "the student sees the recorded conversation, in order, byte for byte")


@case("mock: the tutorial's consumer receives the recorded replies in order, binary byte for byte")
def mock_consumer(t):
    server, url = seed_server(t)
    path = record(t, url)
    recorded = payloads(read_log(path), "received")
    mock, mock_url = t.server(t.duplex("duplex mock", "mock", path, "--port", "0"))
    consumer = t.python("seed consumer", "seed_consumer.py", mock_url)
    lines = consumer.wait_stdout_lines(len(recorded))
    shown = [value.hex() if kind == "binary" else value for kind, value in recorded]
    t.equal(lines, shown, "the consumer prints every recorded reply, binary as hex")


@case("mock --wait: the tutorial's producer gets the recorded reply to its request; "
      "another request waits, visibly")
def mock_producer(t):
    server, url = seed_server(t)
    path = record(t, url)
    mock, mock_url = t.server(t.duplex("duplex mock --wait", "mock", path, "--port", "0", "--wait"))
    producer = t.python("seed producer", "seed_producer.py", mock_url, "hello")
    t.finish(producer)
    t.equal(producer.stdout, ["hello"], "the producer prints the recorded reply")

    # The first reply waits for "hello": anything else is not answered.
    other = t.duplex("duplex produce", "produce", mock_url, "something else", "--timeout", "2")
    t.finish(other, expected_status=1)
    mock.wait_stderr(r"does not match; still waiting for “hello”")


@case("mock rules: match by a JSON member or a pattern; a wait that times out closes with 1008")
def mock_rules(t):
    server, url = seed_server(t)
    path = record(t, url, plan=[[0.05, '{"id": 7, "op": "sum"}'], [0.1, '{"id": 8, "op": "mul"}']])
    member_rules = t.write_file("member.json", b'{"match": "member", "member": "id", "timeout": 5}')
    mock, mock_url = t.server(t.duplex("duplex mock member", "mock", path, "--port", "0",
                                       "--rules", member_rules))
    produce = t.duplex("duplex produce", "produce", mock_url, '{"op": "other", "id": 7}')
    t.finish(produce)
    t.equal(produce.stdout, ['{"id": 7, "op": "sum"}'], "the member matched and the recorded reply came")

    regex_rules = t.write_file("regex.json", b'{"match": "regex", "pattern": "\\"op\\": \\"(\\\\w+)\\"", "timeout": 1}')
    mock, mock_url = t.server(t.duplex("duplex mock regex", "mock", path, "--port", "0",
                                       "--rules", regex_rules))
    produce = t.duplex("duplex produce", "produce", mock_url, '{"id": 99, "op": "sum"}')
    t.finish(produce)
    t.equal(produce.stdout, ['{"id": 7, "op": "sum"}'], "the pattern's group matched")

    consume = t.duplex("duplex consume", "consume", mock_url)
    t.finish(consume, expected_status=1)
    mock.wait_stderr(r"gave up after 1 s waiting for")
    t.check(any("1008" in line for line in consume.stderr), "the client is closed with 1008", consume.stderr)

    bad_rules = t.write_file("bad.json", b'{"match": "member"}')
    refused = t.duplex("duplex mock bad rules", "mock", path, "--port", "0", "--rules", bad_rules)
    t.finish(refused, expected_status=1)
    t.check(any("bad.json" in line and "needs the member’s name" in line for line in refused.stderr), "bad rules are refused plainly",
            refused.stderr)


if __name__ == "__main__":
    sys.exit(harness.run_cases(require=["websockets"]))
