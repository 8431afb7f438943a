#!/usr/bin/env python3
"""Generates the scan benchmark corpus: a tree of mixed text files (logs, CSV, JSON,
source code, Chinese prose, one minified file with a multi-megabyte line) plus binaries
and a .gitignored directory, with planted personal data and decoys.

Every planted value is valid by the published algorithms (GB 11643 check character and
birth date, Luhn plus a known IIN range, 1[3-9] mobile prefixes), computed here
independently of privaudit. Decoys (wrong check digits, impossible dates, ms timestamps,
order numbers, UUIDs, hashes, IPs, versions, file names with @) are verified *not* to be
valid under the same rules. Filler never contains a digit run of 11 or more digits, so the
ground truth is exactly what was planted in scanned files.

The ground truth is written as JSON lines {path, line, kind, fingerprint} (fingerprint =
sha256("kind:normalised value")), outside the corpus so it is not scanned itself.

    python3 bench/gen_corpus.py --out DIR --truth FILE [--size-mb 200] [--seed N]
"""

import argparse
import datetime
import hashlib
import json
import os
import random

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
             44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]
TODAY = datetime.date(2026, 3, 10)


def id_check(first17):
    return CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def luhn_ok(digits):
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_complete(body):
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError("unreachable")


def card_iin_ok(d):
    """The narrow IIN table privaudit documents (kept in step with validate.rs)."""
    n = len(d)
    if not 13 <= n <= 19:
        return False
    p = lambda k: int(d[:k])  # noqa: E731
    if d[0] == "4" and n in (13, 16, 19):
        return True
    if (51 <= p(2) <= 55 or 2221 <= p(4) <= 2720) and n == 16:
        return True
    if p(2) in (34, 37) and n == 15:
        return True
    if n >= 16 and p(2) in (62, 81):
        return True
    if n >= 16 and 3528 <= p(4) <= 3589:
        return True
    if n >= 16 and (p(4) == 6011 or 644 <= p(3) <= 649 or p(2) == 65):
        return True
    if n >= 14 and (p(2) in (36, 38) or 300 <= p(3) <= 305):
        return True
    if p(4) in (5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763):
        return True
    if n >= 16 and (p(4) in (9558, 6013) or p(5) == 95599):
        return True
    return False


def valid_id(v):
    if len(v) != 18 or not v[:17].isdigit() or v[17] not in "0123456789X":
        return False
    if id_check(v[:17]) != v[17] or int(v[:2]) not in PROVINCES:
        return False
    try:
        born = datetime.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= TODAY


def number_is_reportable(digits):
    """Whether a standalone digit string would be a finding of any numeric kind."""
    n = len(digits)
    if n == 18 and valid_id(digits):
        return True
    if n == 11 and digits[0] == "1" and digits[1] in "3456789":
        return True
    for prefix in ("86", "0086"):
        rest = digits[len(prefix):]
        if digits.startswith(prefix) and len(rest) == 11 and rest[0] == "1" and rest[1] in "3456789":
            return True
    return 13 <= n <= 19 and card_iin_ok(digits) and luhn_ok(digits)


def fingerprint(kind, value):
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def digits(self, n):
        return "".join(self.r.choice("0123456789") for _ in range(n))

    # ---- valid values (normalised form, display form) ----
    def cn_id(self):
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=self.r.randrange(25000))
        first = f"{self.r.choice(PROVINCES)}{self.r.randrange(100):02d}{self.r.randrange(1, 100):02d}" \
                f"{born:%Y%m%d}{self.r.randrange(1000):03d}"
        v = first + id_check(first)
        assert valid_id(v)
        style = self.r.random()
        if style < 0.6:
            shown = v
        elif style < 0.75:
            shown = v.lower()
        elif style < 0.9:
            shown = f"{v[:6]} {v[6:14]} {v[14:]}"
        else:
            shown = f"{v[:6]}-{v[6:14]}-{v[14:]}"
        return "cn_id", v, shown

    def cn_mobile(self):
        v = "1" + self.r.choice("3456789") + self.digits(9)
        style = self.r.random()
        if style < 0.55:
            shown = v
        elif style < 0.7:
            shown = f"+86 {v}"
        elif style < 0.8:
            shown = f"+86-{v[:3]}-{v[3:7]}-{v[7:]}"
        elif style < 0.9:
            shown = f"{v[:3]} {v[3:7]} {v[7:]}"
        else:
            shown = f"{v[:3]}-{v[3:7]}-{v[7:]}"
        return "cn_mobile", v, shown

    def bank_card(self):
        kind = self.r.random()
        if kind < 0.5:
            body = "62" + self.digits(self.r.choice([13, 16]))
        elif kind < 0.7:
            body = "4" + self.digits(14)
        elif kind < 0.85:
            body = str(self.r.randrange(51, 56)) + self.digits(13)
        else:
            body = self.r.choice(["34", "37"]) + self.digits(12)
        v = luhn_complete(body)
        assert card_iin_ok(v) and luhn_ok(v)
        if len(v) in (16, 19) and self.r.random() < 0.35:
            sep = self.r.choice(" -")
            shown = sep.join(v[i:i + 4] for i in range(0, len(v), 4))
        else:
            shown = v
        return "bank_card", v, shown

    def email(self):
        first = self.r.choice(["zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao",
                               "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo", "he"])
        given = self.r.choice(["wei", "fang", "na", "min", "jing", "li", "qiang", "lei",
                               "jun", "yang", "yong", "yan", "jie", "tao", "ming", "chao"])
        sep = self.r.choice([".", "_", "", "-"])
        local = f"{first}{sep}{given}{self.r.randrange(10000) if self.r.random() < 0.5 else ''}"
        domain = self.r.choice(["qq.com", "163.com", "126.com", "sina.com", "gmail.com",
                                "outlook.com", "foxmail.com", "yeah.net", "corp.cn",
                                "mail.tsinghua.edu.cn"])
        v = f"{local}@{domain}"
        shown = v if self.r.random() < 0.8 else v.replace(local, local.capitalize())
        return "email", v.lower(), shown

    def planted(self):
        return self.r.choice([self.cn_id, self.cn_mobile, self.bank_card, self.email])()

    # ---- decoys: look like personal data, are not ----
    def decoy(self):
        d = self._decoy()
        # Belt and braces: no all-digit decoy may be valid under any rule.
        assert not (d.isdigit() and number_is_reportable(d)), d
        return d

    def _decoy(self):
        c = self.r.randrange(14)
        if c == 0:  # ID number with a wrong check character
            while True:
                _, v, _ = self.cn_id()
                bad = v[:17] + self.r.choice([x for x in CHECK if x != v[17]])
                if not number_is_reportable(bad.replace("X", "")) and not valid_id(bad):
                    return bad
        if c == 1:  # ID number with an impossible date (Feb 30)
            while True:
                first = f"{self.r.choice(PROVINCES)}0105{self.r.randrange(1950, 2010)}0230{self.digits(3)}"
                v = first + id_check(first)
                if not number_is_reportable(v.replace("X", "")):
                    return v
        if c == 2:  # card number with a wrong Luhn digit
            while True:
                _, v, _ = self.bank_card()
                bad = v[:-1] + str((int(v[-1]) + 1 + self.r.randrange(9)) % 10)
                if not number_is_reportable(bad):
                    return bad
        if c == 3:  # ms timestamp
            return str(self.r.randrange(1_600_000_000_000, 1_800_000_000_000))
        if c == 4:  # long order number
            return f"{self.r.randrange(2020, 2027)}{self.r.randrange(1, 13):02d}{self.r.randrange(1, 29):02d}" + self.digits(self.r.randrange(12, 16))
        if c == 5:  # 12x is not a mobile prefix
            return "12" + self.digits(9)
        if c == 6:
            h = "".join(self.r.choice("0123456789abcdef") for _ in range(32))
            return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
        if c == 7:
            return "".join(self.r.choice("0123456789abcdef") for _ in range(self.r.choice([40, 64])))
        if c == 8:
            return ".".join(str(self.r.randrange(256)) for _ in range(4))
        if c == 9:
            return f"v{self.r.randrange(20)}.{self.r.randrange(100)}.{self.r.randrange(1000)}"
        if c == 10:  # a mobile inside a longer number
            return "1" + self.r.choice("3456789") + self.digits(9 + self.r.randrange(2, 6))
        if c == 11:
            return self.r.choice(["icon@2x.png", "logo@3x.webp", "user@localhost", "admin@example.com",
                                  "git@github.com:org/repo.git", "lodash@4.17.21", "dev@service.test"])
        if c == 12:  # float with many digits
            return f"{self.r.randrange(1, 9)}.{self.digits(14)}"
        return f"{self.digits(4)} {self.digits(4)}"

    def word(self):
        return self.r.choice(WORDS)

    def short_num(self):
        return str(self.r.randrange(0, 10 ** self.r.randrange(1, 8)))


WORDS = ("the of and to in is for on with as at by from request response user session "
         "cache error warn info debug value config server client token timeout retry "
         "status ok failed queue worker job id name data time count total price amount "
         "order item product address city region level mode path file line index").split()
ZH = ("用户 订单 地址 手机 身份证 银行卡 邮箱 联系 客服 快递 姓名 信息 隐私 保护 数据 "
      "系统 服务 配置 日志 请求 响应 成功 失败 提交 审核 通知 客户 供应商 合同 发票").split()


class Writer:
    """Builds files line by line, recording planted values with their line numbers."""

    def __init__(self, gen, root, truth, plant_rate, decoy_rate):
        self.g, self.root, self.truth = gen, root, truth
        self.plant_rate, self.decoy_rate = plant_rate, decoy_rate
        self.bytes = 0

    def maybe(self, rel, lineno, make_line, record=True):
        """Returns a line; sometimes with a planted value or a decoy inside."""
        x = self.g.r.random()
        if x < self.plant_rate:
            kind, value, shown = self.g.planted()
            if record:
                self.truth.append({"path": rel, "line": lineno, "kind": kind,
                                   "fingerprint": fingerprint(kind, value)})
            return make_line(shown)
        if x < self.plant_rate + self.decoy_rate:
            return make_line(self.g.decoy())
        return make_line(None)

    def write(self, rel, lines):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = "".join(lines).encode()
        with open(path, "wb") as f:
            f.write(data)
        self.bytes += len(data)
        return len(data)


def log_file(w, rel, size, record=True):
    g, out, n, lineno = w.g, [], 0, 0
    t = datetime.datetime(2026, 3, 1) + datetime.timedelta(seconds=g.r.randrange(86400))
    while n < size:
        lineno += 1
        t += datetime.timedelta(milliseconds=g.r.randrange(1, 5000))

        def make(v):
            level = g.r.choice(["INFO", "INFO", "INFO", "WARN", "DEBUG", "ERROR"])
            extra = f" {g.word()}={v}" if v is not None else ""
            return (f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}+08:00 {level} "
                    f"[{g.word()}-{g.r.randrange(64)}] {g.word()} {g.word()} "
                    f"ip={g.r.randrange(1, 255)}.{g.r.randrange(256)}.{g.r.randrange(256)}.{g.r.randrange(256)} "
                    f"latency={g.r.randrange(1, 9999)}ms {g.word()}={g.short_num()}{extra}\n")
        line = w.maybe(rel, lineno, make, record)
        out.append(line)
        n += len(line.encode())
    return w.write(rel, out)


def csv_file(w, rel, size, record=True):
    g, out, n, lineno = w.g, ["id,name,city,amount,created_at,note\n"], 0, 1
    while n < size:
        lineno += 1

        def make(v):
            note = v if v is not None else g.word()
            return (f"{g.r.randrange(10**7)},{g.r.choice(ZH)}{g.r.choice(ZH)},{g.word()},"
                    f"{g.r.randrange(100000)}.{g.r.randrange(100):02d},2025-{g.r.randrange(1, 13):02d}-"
                    f"{g.r.randrange(1, 29):02d} {g.r.randrange(24):02d}:{g.r.randrange(60):02d},{note}\n")
        line = w.maybe(rel, lineno, make, record)
        out.append(line)
        n += len(line.encode())
    return w.write(rel, out)


def json_file(w, rel, size, record=True):
    g, out, n, lineno = w.g, ["[\n"], 0, 1
    while n < size:
        lineno += 1

        def make(v):
            rec = {"id": g.r.randrange(10**9), "type": g.word(), "score": round(g.r.random() * 100, 3),
                   "tags": [g.word(), g.word()], "updated": f"2025-{g.r.randrange(1, 13):02d}-01"}
            if v is not None:
                rec["contact"] = v
            return "  " + json.dumps(rec, ensure_ascii=False) + ",\n"
        line = w.maybe(rel, lineno, make, record)
        out.append(line)
        n += len(line.encode())
    out.append("  {}\n]\n")
    return w.write(rel, out)


def source_file(w, rel, size, record=True):
    g, out, n, lineno = w.g, [], 0, 0
    while n < size:
        lineno += 1

        def make(v):
            k = g.r.randrange(6)
            if v is not None:
                return f'    let {g.word()}_{g.r.randrange(99)} = "{v}"; // {g.word()}\n'
            if k == 0:
                return f"fn {g.word()}_{g.word()}(x: u32) -> u32 {{ x * {g.short_num()} + 0x{g.r.randrange(16**6):x} }}\n"
            if k == 1:
                return f"    // {g.word()} {g.word()} {g.word()} {g.word()} {g.word()}\n"
            if k == 2:
                return f"    assert_eq!({g.word()}.len(), {g.short_num()});\n"
            if k == 3:
                return f"    const {g.word().upper()}: [u8; 4] = [{g.r.randrange(256)}, {g.r.randrange(256)}, {g.r.randrange(256)}, {g.r.randrange(256)}];\n"
            return "    }\n"
        line = w.maybe(rel, lineno, make, record)
        out.append(line)
        n += len(line.encode())
    return w.write(rel, out)


def prose_file(w, rel, size, record=True):
    g, out, n, lineno = w.g, [], 0, 0
    while n < size:
        lineno += 1

        def make(v):
            words = "".join(g.r.choice(ZH) for _ in range(g.r.randrange(6, 20)))
            if v is not None:
                return f"{words}：{v}，{g.r.choice(ZH)}。\n"
            return f"{words}，{g.r.randrange(100)}个{g.r.choice(ZH)}。\n"
        line = w.maybe(rel, lineno, make, record)
        out.append(line)
        n += len(line.encode())
    return w.write(rel, out)


def minified_file(w, rel, size, record=True):
    """One very long line (minified JSON); planted values are all on line 1."""
    g, parts, n = w.g, [], 0
    while n < size:
        def make(v):
            return json.dumps({"k": g.word(), "n": g.r.randrange(10**6), "v": v if v is not None else g.word()},
                              ensure_ascii=False) + ","
        part = w.maybe(rel, 1, make, record)
        parts.append(part)
        n += len(part.encode())
    return w.write(rel, ["[", *parts, "{}]\n"])


def binary_file(w, rel, size):
    g = w.g
    data = bytearray(g.r.getrandbits(8) for _ in range(min(size, 4096)))
    data[10] = 0
    while len(data) < size:
        data += data[: min(len(data), size - len(data))]
    # Personal data inside a binary file is not scanned (and not in the truth).
    _, _, shown = g.planted()
    data[100:100 + len(shown)] = shown.encode()
    path = os.path.join(w.root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(bytes(data))
    w.bytes += len(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--size-mb", type=float, default=200)
    ap.add_argument("--seed", type=int, default=20260310)
    args = ap.parse_args()

    g = Gen(args.seed)
    truth = []
    w = Writer(g, args.out, truth, plant_rate=0.004, decoy_rate=0.03)
    target = int(args.size_mb * 1024 * 1024)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, ".gitignore"), "w") as f:
        f.write("ignored/\n")

    # A few large files exercise streaming; the rest are typical sizes.
    minified_file(w, "web/dist/bundle.min.json", max(target // 40, 64 * 1024))
    log_file(w, "logs/big/app-2026-03-01.log", max(target // 20, 64 * 1024))
    kinds = [("logs", "log", log_file, 0.35), ("data", "csv", csv_file, 0.2),
             ("api", "json", json_file, 0.12), ("src", "rs", source_file, 0.15),
             ("docs", "md", prose_file, 0.13)]
    i = 0
    while w.bytes < target * 0.95:
        i += 1
        x, acc = g.r.random(), 0.0
        for d, ext, fn, share in kinds:
            acc += share
            if x < acc:
                break
        size = int(g.r.lognormvariate(11.5, 1.0))  # median ~100 KB
        size = max(512, min(size, 4 * 1024 * 1024))
        fn(w, f"{d}/{i % 17:02d}/{d}-{i:05d}.{ext}", size)
        if i % 60 == 0:
            binary_file(w, f"assets/{i:05d}.bin", min(size, 512 * 1024))
        if i % 90 == 0:
            log_file(w, f"ignored/{i:05d}.log", 16 * 1024, record=False)

    with open(args.truth, "w") as f:
        for t in truth:
            f.write(json.dumps(t) + "\n")
    print(f"corpus: {args.out}: {i} generated files, {w.bytes / 1e6:.1f} MB, {len(truth)} planted values")


if __name__ == "__main__":
    main()
