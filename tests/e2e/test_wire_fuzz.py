"""Wire fuzzing: more than 10,000 malformed messages sent to a running kernel over its real shell
and control sockets (pyzmq, signed by hand), interleaved with valid requests whose answers must be
exactly right. The kernel must stay alive, must never run a request that is unsigned, badly signed
or replayed, and must drop each malformed message for the right reason (it logs every drop)."""
import collections
import hashlib
import hmac
import json
import os
import random
import tempfile
import threading
import time
import unittest

import zmq
from jupyter_client.manager import KernelManager, start_new_kernel

from e2e_support import KERNEL_NAME, run_cell

SEED = 20261123
MALFORMED = 10_000
# One valid request for about every 12 malformed ones.
VALID_SHARE = 0.08
CHUNK = 150
DELIMITER = b"<IDS|MSG>"
SESSION = "fuzz-session"

# What the kernel's log says when it drops a message, by reason (src/Kernel/Jupyter/WireFormat.cs).
NO_DELIMITER = "no <IDS|MSG> delimiter"
TOO_FEW_FRAMES = "expected a signature and four JSON frames"
MISSING_SIGNATURE = "missing signature"
INVALID_SIGNATURE = "invalid signature"
REPLAYED = "replayed message"
MALFORMED_JSON = "malformed JSON"
INVALID_UTF8 = "is not valid UTF-8"
LONE_SURROGATE = "holds text that is not valid Unicode"
NO_MSG_TYPE = "the header has no msg_type"
UNKNOWN_TYPE = "ignoring unknown message type"


def leak_code(kind):
    """Code that must never run: it would show in `leaked`, on stdout and in `counter`."""
    return f'leaked.Add("{kind}"); Console.WriteLine("LEAKED {kind}"); counter += 1000000;'


class Item:
    """One message to send and what the kernel must do with it."""

    def __init__(self, kind, channel, frames, tag=None, log_reason=None, answered=False, expected_result=None):
        self.kind = kind
        self.channel = channel
        self.frames = frames
        self.tag = tag
        self.log_reason = log_reason
        self.answered = answered
        self.expected_result = expected_result


class Generator:
    """Seeded source of malformed and valid messages; every message carries a unique `fuzz_tag` in its header."""

    def __init__(self, key, seed):
        self.key = key
        self.random = random.Random(seed)
        self.serial = 0
        self.counter = 0
        self.typed_runs = 0
        self.sent_valid = []
        # Only messages the kernel has already handled are replayed, so the copy never overtakes its original.
        self.replayable = []
        self.huge_left = 24
        self.signatures_seen = set()

    def sign(self, parts, key=None):
        mac = hmac.new(self.key if key is None else key, digestmod=hashlib.sha256)
        for part in parts:
            mac.update(part)
        return mac.hexdigest().encode("ascii")

    def header(self, msg_type, **overrides):
        self.serial += 1
        header = {"msg_id": f"fuzz-{self.serial}", "msg_type": msg_type, "session": SESSION, "username": "fuzz",
                  "date": "2026-11-23T00:00:00.000000Z", "version": "5.3", "fuzz_tag": f"t{self.serial}"}
        header.update(overrides)
        return header

    @staticmethod
    def encode(*values):
        return [json.dumps(value).encode("utf-8") for value in values]

    def signed(self, parts):
        return [DELIMITER, self.sign(parts), *parts]

    def message(self, msg_type, content, **header_overrides):
        header = self.header(msg_type, **header_overrides)
        return header["fuzz_tag"], self.encode(header, {}, {}, content)

    # ---- valid requests ------------------------------------------------------------------

    def valid(self):
        choice = self.random.random()
        if choice < 0.75:
            self.counter += 1
            tag, parts = self.message("execute_request", {"code": "++counter", "silent": False, "store_history": True,
                                                          "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
            frames = self.signed(parts)
            self.sent_valid.append(frames)
            return Item("valid execute", "shell", frames, tag, answered=True, expected_result=str(self.counter))
        if choice < 0.9:
            tag, parts = self.message("kernel_info_request", {})
            frames = self.signed(parts)
            self.sent_valid.append(frames)
            return Item("valid kernel_info", self.random.choice(["shell", "control"]), frames, tag, answered=True)
        tag, parts = self.message("is_complete_request", {"code": "for (var i = 0; i < 3; i++) {"})
        return Item("valid is_complete", "shell", self.signed(parts), tag, answered=True)

    # ---- malformed messages ---------------------------------------------------------------

    def channel(self):
        return "control" if self.random.random() < 0.3 else "shell"

    def leaking(self, kind, msg_type="execute_request"):
        return self.message(msg_type, {"code": leak_code(kind), "silent": False})

    def wrong_frame_count(self):
        tag, parts = self.leaking("wrong frame count")
        frames = self.signed(parts)
        after = self.random.randint(0, 4)
        return Item("wrong frame count", self.channel(), frames[:1 + after], tag, TOO_FEW_FRAMES)

    def missing_delimiter(self):
        tag, parts = self.leaking("missing delimiter")
        frames = self.signed(parts)
        variant = self.random.randrange(5)
        if variant == 0:
            frames = frames[1:]
        else:
            frames[0] = [b"<IDS|MSG", b"<ids|msg>", b"<IDS|MSG> ", b""][variant - 1]
        if self.random.random() < 0.3:
            frames = [os.urandom(self.random.randint(1, 40)) for _ in range(self.random.randint(1, 6))]
        return Item("missing delimiter", self.channel(), frames, tag, NO_DELIMITER)

    def invalid_json(self):
        tag, parts = self.leaking("invalid json")
        where = self.random.randrange(4)
        text = parts[where]
        variant = self.random.randrange(10)
        if variant == 9:
            # A repeated name: one reader would see execute_request, another shutdown_request.
            broken = text[:-1] + b', "msg_type": "shutdown_request"}' if where == 0 else b'{"a": 1, "a": 2}'
        elif variant == 0:
            broken = text[:self.random.randint(0, len(text) - 1)]
        elif variant == 1:
            broken = text + b"}"
        elif variant == 2:
            broken = text.replace(b'"', b"'") if b'"' in text else b"{'a': 1}"
        elif variant == 3:
            broken = b""
        elif variant == 4:
            broken = b"{" + b'"a":[' * 300 + b"]" * 300 + b"}"
        elif variant == 5:
            broken = b'{"x": NaN}'
        elif variant == 6:
            broken = text[:-1] + b', }'
        elif variant == 7:
            broken = b"\x00" + text
        else:
            broken = b"?" + bytes(self.random.randrange(32, 127) for _ in range(self.random.randint(0, 60)))
        parts[where] = broken
        return Item("invalid JSON", self.channel(), self.signed(parts), tag, MALFORMED_JSON)

    def invalid_utf8(self):
        header = self.header("execute_request")
        tag = header["fuzz_tag"]
        code = leak_code("invalid UTF-8").replace('"', '\\"').encode("utf-8")
        where = self.random.randrange(4)
        if self.random.random() < 0.25:
            # Valid UTF-8 bytes, but a JSON escape of half a surrogate pair: no Unicode text.
            lone = self.random.choice([b"\\ud800", b"\\udfff", b"\\ud83d x"])
            parts = [json.dumps(header).encode(), b"{}", b"{}", b'{"code": "' + code + b'"}']
            parts[where] = parts[where][:-1] + (b", " if len(parts[where]) > 2 else b"") + b'"s": "' + lone + b'"}'
            return Item("lone surrogate escape", self.channel(), self.signed(parts), tag, LONE_SURROGATE)
        bad = self.random.choice([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"\xf8\x88\x80\x80\x80", b"\x80"])
        if where == 0:
            header_text = json.dumps(header).encode().replace(b'"msg_type": "execute_request"', b'"msg_type": "execute_request' + bad + b'"')
            parts = [header_text, b"{}", b"{}", b'{"code": "' + code + b'"}']
        elif where == 3:
            parts = [json.dumps(header).encode(), b"{}", b"{}", b'{"code": "' + code + b"//" + bad + b'"}']
        else:
            parts = [json.dumps(header).encode(), b"{}", b"{}", b'{"code": "' + code + b'"}']
            parts[where] = b'{"k' + bad + b'": 1}'
        return Item("invalid UTF-8", self.channel(), self.signed(parts), tag, INVALID_UTF8)

    def huge_frame(self):
        size = self.random.randint(2, 6) * 1024 * 1024
        variant = self.random.randrange(4)
        if variant == 0:
            # Signed and well formed, but of a type the kernel does not know: read, parsed, ignored.
            header = self.header("fuzz_huge_request")
            parts = self.encode(header, {}, {"padding": "x" * size}, {})
            return Item("huge frame", self.channel(), self.signed(parts), header["fuzz_tag"], UNKNOWN_TYPE)
        tag, parts = self.leaking("huge frame")
        if variant == 1:
            parts[3] = json.dumps({"code": leak_code("huge frame") + "//" + "y" * size}).encode()
            frames = [DELIMITER, self.sign(parts, key=b"wrong key"), *parts]
            return Item("huge frame", self.channel(), frames, tag, INVALID_SIGNATURE)
        if variant == 2:
            return Item("huge frame", self.channel(), [os.urandom(size)], tag, NO_DELIMITER)
        parts[2] = b"[" * size
        return Item("huge frame", self.channel(), self.signed(parts), tag, MALFORMED_JSON)

    def dangerous_type(self):
        return self.random.choice(["execute_request", "execute_request", "shutdown_request", "interrupt_request", "kernel_info_request"])

    def wrong_signature(self):
        msg_type = self.dangerous_type()
        tag, parts = self.leaking("wrong signature", msg_type)
        good = self.sign(parts)
        variant = self.random.randrange(8)
        if variant == 0:
            signature = self.sign(parts, key=b"not the key")
        elif variant == 1:
            signature = good[:-1] + (b"0" if good[-1:] != b"0" else b"1")
        elif variant == 2:
            signature = good[:32]
        elif variant == 3:
            signature = good.upper()
        elif variant == 4:
            signature = b"zz" + good[2:]
        elif variant == 5:
            signature = good + b"00"
        elif variant == 6:
            signature = os.urandom(32)
        else:
            # A signature of other frames (a valid one for a different message).
            other = self.encode(self.header("kernel_info_request"), {}, {}, {})
            signature = self.sign(other)
        return Item("wrong signature", self.channel(), [DELIMITER, signature, *parts], tag, INVALID_SIGNATURE)

    def missing_signature(self):
        msg_type = self.dangerous_type()
        tag, parts = self.leaking("missing signature", msg_type)
        return Item("missing signature", self.channel(), [DELIMITER, b"", *parts], tag, MISSING_SIGNATURE)

    def replayed(self):
        if not self.replayable:
            return self.missing_signature()
        original = list(self.random.choice(self.replayable))
        variant = self.random.randrange(4)
        if variant == 1:
            original = original + [b"an extra buffer"]
        elif variant == 2:
            original = [b"another-identity"] + original
        channel = "shell2" if variant == 3 else self.channel()
        return Item("replayed", channel, original, None, REPLAYED)

    def unknown_type(self):
        msg_type = self.random.choice(["no_such_request", "", "execute_reply", "EXECUTE_REQUEST", "execute_request ",
                                       "input_reply", "comm_open", "status", "kernel_info", "debug_request", "\u00e9x\u00e9cute_request"])
        tag, parts = self.message(msg_type, {"code": leak_code("unknown type")})
        return Item("unknown message type", self.channel(), self.signed(parts), tag, UNKNOWN_TYPE)

    def wrong_field_types(self):
        """Signed messages whose fields have the wrong JSON types. Whole frames of the wrong type, or a
        msg_type that is not a string, are dropped; any other field falls back to its default and the
        request is answered (its code, when it runs, counts in `typed`)."""
        variant = self.random.randrange(14)
        header = self.header("execute_request")
        tag = header["fuzz_tag"]
        safe = {"code": "typed++;"}
        if variant == 0:
            parts = [json.dumps(self.random.choice([[header], "header", 42, None, True])).encode(), b"{}", b"{}", json.dumps(safe).encode()]
            return Item("wrong field types", self.channel(), self.signed(parts), tag, MALFORMED_JSON)
        if variant == 1:
            where = self.random.randrange(1, 4)
            parts = self.encode(header, {}, {}, {"code": leak_code("wrong field types")})
            parts[where] = json.dumps(self.random.choice([[1, 2], "text", 3.5, None, False])).encode()
            return Item("wrong field types", self.channel(), self.signed(parts), tag, MALFORMED_JSON)
        if variant == 2:
            header["msg_type"] = self.random.choice([7, None, ["execute_request"], {"type": "execute_request"}, True])
            parts = self.encode(header, {}, {}, {"code": leak_code("wrong field types")})
            return Item("wrong field types", self.channel(), self.signed(parts), tag, NO_MSG_TYPE)
        if variant == 3:
            del header["msg_type"]
            parts = self.encode(header, {}, {}, {"code": leak_code("wrong field types")})
            return Item("wrong field types", self.channel(), self.signed(parts), tag, NO_MSG_TYPE)
        if variant == 4:
            header["msg_id"] = self.random.choice([10_000_000 + self.serial, None, [self.serial], {"id": self.serial}, 1.5])
            header["session"] = self.random.choice([5, None, ["s"]])
            self.typed_runs += 1
            return self.answered(header, safe)
        if variant == 5:
            del header["msg_id"]
            header["date"] = self.random.choice([0, "yesterday", None])
            header["username"] = self.random.choice([[], 3])
            header["version"] = self.random.choice([5.3, None, {}])
            self.typed_runs += 1
            return self.answered(header, safe)
        if variant == 6:
            content = {"code": self.random.choice([42, None, ["typed++;"], {"code": "typed++;"}, True])}
            return self.answered(header, content)
        if variant == 7:
            self.typed_runs += 1
            content = {"code": "typed++;", "silent": self.random.choice(["yes", 1, None, []]),
                       "store_history": self.random.choice(["no", 0, {}]), "allow_stdin": self.random.choice(["true", 1]),
                       "stop_on_error": self.random.choice(["false", 0, None]), "user_expressions": self.random.choice([[], "x", 1])}
            return self.answered(header, content)
        if variant == 8:
            header = self.header(self.random.choice(["complete_request", "inspect_request"]))
            content = {"code": self.random.choice([5, None, "Console.Wri", "", ["x"], "\U0001F600Console."]),
                       "cursor_pos": self.random.choice(["5", -3, 1e20, 2 ** 40, None, [], 3.7, -1e300, 10 ** 30]),
                       "detail_level": self.random.choice(["x", -1, None, 2])}
            return self.answered(header, content)
        if variant == 9:
            header = self.header("history_request")
            content = {"hist_access_type": self.random.choice([7, "tail", "range", "search", None, "everything"]),
                       "n": self.random.choice([-5, "x", 1e300, 0, 2 ** 31, -(2 ** 31), None]),
                       "start": self.random.choice([-10, "a", 2 ** 40]), "stop": self.random.choice([-1, None, "b", 1e10]),
                       "session": self.random.choice(["x", -1, 2, 1e30]), "raw": "yes", "output": self.random.choice([1, "no", True]),
                       "pattern": self.random.choice([5, "[", "*", "typed*", "(?", None, "\\"]), "unique": self.random.choice(["y", 1, True])}
            return self.answered(header, content)
        if variant == 10:
            header = self.header("is_complete_request")
            return self.answered(header, {"code": self.random.choice([1, None, ["x"], {"c": 1}])})
        if variant == 11:
            header = self.header(self.random.choice(["kernel_info_request", "comm_info_request"]))
            return self.answered(header, {"target_name": self.random.choice([5, None, ["x"]]), "extra": {"nested": [1, {"a": None}]}})
        if variant == 12:
            parts = self.encode(header, {}, {}, safe)
            parts[1] = json.dumps(self.random.choice([{"msg_id": 5}, {"header": [1]}, {"parent": {"parent": {}}}])).encode()
            parts[2] = json.dumps(self.random.choice([{"deletedCells": 5}, {"recordTiming": "yes"}, {"x": None}])).encode()
            self.typed_runs += 1
            return Item("wrong field types", self.channel(), self.signed(parts), tag, answered=True)
        content = {"code": "typed++;", "cursor_pos": "end", "silent": None}
        self.typed_runs += 1
        return self.answered(header, content)

    def answered(self, header, content):
        parts = self.encode(header, {}, {}, content)
        return Item("wrong field types", self.channel(), self.signed(parts), header["fuzz_tag"], answered=True)

    def judge_replay(self, item):
        """The kernel remembers every correctly signed message, even one it then drops, and refuses its copies."""
        if DELIMITER not in item.frames:
            return item
        index = item.frames.index(DELIMITER)
        if len(item.frames) - index - 1 < 5:
            return item
        signature = item.frames[index + 1]
        if signature != self.sign(item.frames[index + 2:index + 6]):
            return item
        if signature in self.signatures_seen:
            assert not item.answered, "a valid request repeats an earlier one"
            item.log_reason = REPLAYED
        self.signatures_seen.add(signature)
        return item

    def items(self):
        kinds = [self.wrong_frame_count, self.missing_delimiter, self.invalid_json, self.invalid_utf8, self.wrong_signature,
                 self.missing_signature, self.replayed, self.unknown_type, self.wrong_field_types]
        malformed = 0
        while malformed < MALFORMED:
            if self.random.random() < VALID_SHARE:
                yield self.judge_replay(self.valid())
                continue
            malformed += 1
            if self.huge_left > 0 and self.random.random() < 0.003:
                self.huge_left -= 1
                yield self.judge_replay(self.huge_frame())
            else:
                yield self.judge_replay(self.random.choice(kinds)())


class IoPubCollector(threading.Thread):
    """Reads every iopub message on its own socket, so the kernel's PUB socket never drops any."""

    def __init__(self, context, address):
        super().__init__(daemon=True)
        self.socket = context.socket(zmq.SUB)
        self.socket.setsockopt(zmq.RCVHWM, 0)
        self.socket.setsockopt(zmq.SUBSCRIBE, b"")
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(address)
        self.messages = []
        self.lock = threading.Lock()
        self.stopping = False

    def run(self):
        while not self.stopping:
            if self.socket.poll(100):
                frames = self.socket.recv_multipart()
                message = parse(frames)
                with self.lock:
                    self.messages.append(message)
        self.socket.close()

    def snapshot(self):
        with self.lock:
            return list(self.messages)


def parse(frames):
    index = frames.index(DELIMITER)
    header, parent, _, content = (json.loads(frame) for frame in frames[index + 2:index + 6])
    return {"header": header, "parent_header": parent, "content": content, "signature": frames[index + 1],
            "signed": frames[index + 2:index + 6]}


class WireFuzzTests(unittest.TestCase):
    def test_ten_thousand_malformed_messages_never_run_and_valid_ones_are_answered_exactly(self):
        log = tempfile.NamedTemporaryFile(prefix="heapnb-fuzz-", suffix=".log", delete=False)
        manager = KernelManager(kernel_name=KERNEL_NAME)
        manager.start_kernel(stderr=log)
        client = manager.client()
        client.start_channels()
        context = zmq.Context()
        try:
            client.wait_for_ready(timeout=60)
            reply, _ = run_cell(client, "var counter = 0; var typed = 0; var leaked = new List<string>();")
            self.assertEqual(reply["content"]["status"], "ok")
            self.fuzz(manager, client, context, log.name)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
            context.destroy(linger=0)
            log.close()
            if os.environ.get("HEAPNB_KEEP_FUZZ_LOG"):
                print(f"kernel log kept: {log.name}")
            else:
                os.unlink(log.name)

    def fuzz(self, manager, client, context, log_path):
        info = manager.get_connection_info()
        key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
        address = f"tcp://{info['ip']}:"
        sockets = {}
        for name, port in (("shell", "shell_port"), ("control", "control_port"), ("shell2", "shell_port")):
            socket = context.socket(zmq.DEALER)
            socket.setsockopt(zmq.LINGER, 0)
            socket.setsockopt(zmq.IDENTITY, f"fuzz-{name}".encode())
            socket.connect(address + str(info[port]))
            sockets[name] = socket
        iopub = IoPubCollector(context, address + str(info["iopub_port"]))
        iopub.start()
        try:
            self.fuzz_with(manager, client, key, sockets, iopub, log_path)
        finally:
            iopub.stopping = True
            iopub.join()
            for socket in sockets.values():
                socket.close()

    def fuzz_with(self, manager, client, key, sockets, iopub, log_path):
        generator = Generator(key, SEED)
        replies = collections.defaultdict(list)
        items = {}
        self.wait_until_iopub_subscribed(generator, sockets["shell"], iopub, items)

        began = time.monotonic()
        sent = collections.Counter()
        reasons = collections.Counter()
        pending = set()
        poller = zmq.Poller()
        for socket in sockets.values():
            poller.register(socket, zmq.POLLIN)

        def drain(timeout_ms):
            for socket, _ in poller.poll(timeout_ms):
                while socket.poll(0):
                    message = parse(socket.recv_multipart())
                    self.assertEqual(message["signature"], generator.sign(message["signed"]), "a reply with a bad signature")
                    tag = message["parent_header"].get("fuzz_tag")
                    replies[tag].append(message)
                    pending.discard(tag)

        def settle():
            deadline = time.monotonic() + 60
            while pending and time.monotonic() < deadline:
                drain(100)
            self.assertFalse(pending, f"no reply to {sorted(pending)[:5]} ({len(pending)} in all)")

        for number, item in enumerate(generator.items(), start=1):
            sockets[item.channel].send_multipart(item.frames)
            sent[item.kind] += 1
            if item.log_reason:
                reasons[item.log_reason] += 1
            if item.tag is not None:
                items[item.tag] = item
                if item.answered:
                    pending.add(item.tag)
            drain(0)
            if number % CHUNK == 0:
                settle()
                generator.replayable = list(generator.sent_valid)
                self.assertTrue(manager.is_alive(), f"the kernel died after {number} messages")
        # Requests on one channel are handled in order, so once these are answered everything before them was handled.
        for channel in ("shell", "control", "shell2"):
            tag, parts = generator.message("kernel_info_request", {})
            sockets[channel].send_multipart(generator.signed(parts))
            pending.add(tag)
            items[tag] = Item("barrier", channel, [], tag, answered=True)
        settle()
        elapsed = time.monotonic() - began
        time.sleep(0.3)
        drain(0)

        self.assertTrue(manager.is_alive(), "the kernel process died")
        self.report(sent, elapsed)

        # Exactly one reply to each request that had to be answered, none to anything else.
        for tag, messages in replies.items():
            item = items.get(tag)
            self.assertIsNotNone(item, f"the kernel answered a message it had to drop: {messages[0]['parent_header']}")
            self.assertTrue(item.answered, f"the kernel answered a {item.kind} message it had to drop: {messages[0]['parent_header']}")
            self.assertEqual(len(messages), 1, f"{len(messages)} replies to one {item.kind} request")
        unanswered = [item.kind for tag, item in items.items() if item.answered and tag not in replies]
        self.assertEqual(unanswered, [], "requests that got no reply")
        # The valid executes ran in order, each exactly once, and returned the right count.
        results = {}
        streams = []
        for message in iopub.snapshot():
            tag = message["parent_header"].get("fuzz_tag")
            if tag is not None and items[tag].kind != "subscription probe":
                self.assertTrue(items[tag].answered, f"iopub output for a {items[tag].kind} message: {message['parent_header']}")
            if message["header"]["msg_type"] == "execute_result":
                results[tag] = message["content"]["data"]["text/plain"]
            if message["header"]["msg_type"] == "stream":
                streams.append(message["content"]["text"])
        valid_executes = [item for item in items.values() if item.expected_result is not None]
        for item in valid_executes:
            self.assertEqual(replies[item.tag][0]["content"]["status"], "ok", replies[item.tag][0]["content"])
            self.assertEqual(results.get(item.tag), item.expected_result, f"execute_result of valid request {item.tag}")
        self.assertFalse([text for text in streams if "LEAKED" in text], "a rejected request printed its marker")
        reply, outputs = run_cell(client, '$"{counter} {typed} {leaked.Count}"')
        self.assertEqual(reply["content"]["status"], "ok")
        final = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(final, [f"{generator.counter} {generator.typed_runs} 0"])

        # Every drop was logged, each for the reason its kind calls for.
        expected_reasons = collections.Counter(reasons)
        with open(log_path, encoding="utf-8", errors="replace") as file:
            log_lines = file.read().splitlines()
        self.assertFalse([line for line in log_lines if "transport error" in line or "failed:" in line],
                         "the kernel hit an unexpected exception")
        logged = collections.Counter()
        for line in log_lines:
            for reason in (NO_DELIMITER, TOO_FEW_FRAMES, MISSING_SIGNATURE, INVALID_SIGNATURE, REPLAYED, MALFORMED_JSON,
                           INVALID_UTF8, LONE_SURROGATE, NO_MSG_TYPE, UNKNOWN_TYPE):
                if reason in line:
                    logged[reason] += 1
                    break
        self.assertEqual(dict(logged), dict(expected_reasons))

    def test_a_message_over_the_frame_limit_is_refused_before_it_is_read_and_the_kernel_keeps_answering(self):
        km, kc = start_new_kernel(kernel_name=KERNEL_NAME)
        context = zmq.Context()
        try:
            run_cell(kc, "var oversized = 0;")
            info = km.get_connection_info()
            key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
            generator = Generator(key, SEED)
            limit = 64 * 1024 * 1024  # ZeroMqTransport.MaxFrameBytes
            header = generator.header("execute_request")
            parts = generator.encode(header, {}, {}, {"code": "oversized++; // " + "x" * limit})
            socket = context.socket(zmq.DEALER)
            socket.setsockopt(zmq.LINGER, 0)
            socket.connect(f"tcp://{info['ip']}:{info['shell_port']}")
            socket.send_multipart(generator.signed(parts))
            self.assertEqual(socket.poll(3000), 0, "the kernel answered a message over its frame limit")
            socket.close()
            self.assertTrue(km.is_alive())
            reply, outputs = run_cell(kc, "oversized")
            self.assertEqual([m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"], ["0"])
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            context.destroy(linger=0)

    def report(self, sent, elapsed):
        malformed = sum(count for kind, count in sent.items() if not kind.startswith("valid"))
        print(f"\nwire fuzz (seed {SEED}): {malformed} malformed and {sum(sent.values()) - malformed} valid messages in {elapsed:.1f} s")
        for kind, count in sorted(sent.items()):
            print(f"  {kind:24} {count:6}")

    def wait_until_iopub_subscribed(self, generator, socket, iopub, items):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            tag, parts = generator.message("kernel_info_request", {})
            items[tag] = Item("subscription probe", "shell", [], tag)
            socket.send_multipart(generator.signed(parts))
            self.assertTrue(socket.poll(10000), "no kernel_info_reply")
            socket.recv_multipart()
            time.sleep(0.1)
            if any(m["parent_header"].get("fuzz_tag") == tag for m in iopub.snapshot()):
                return
        self.fail("never saw iopub messages")


if __name__ == "__main__":
    unittest.main()
