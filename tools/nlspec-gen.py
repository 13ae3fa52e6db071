#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Generate the pmhs UAPI header and kernel policy tables from the YAML spec.

    tools/nlspec-gen.py docs/netlink/pmhs.yaml OUTDIR

writes OUTDIR/include/uapi/linux/pmhs.h, OUTDIR/kmod/netlink/nl_gen.h
and OUTDIR/kmod/netlink/nl_gen.c. This is a small subset of the kernel's ynl-gen-c.py
(which Debian's 6.1 source does not ship): genetlink, per-op policies,
scalar/string/binary/flag/nest attributes and their checks.
"""
import os
import sys

import yaml

SPEC_PATH = "docs/netlink/pmhs.yaml"


def c_upper(name):
    return name.upper().replace("-", "_")


def c_lower(name):
    return name.lower().replace("-", "_")


class Spec:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.y = yaml.safe_load(f)
        self.name = self.y["name"]
        self.prefix = c_upper(self.name)
        self.consts = {}
        for d in self.y.get("definitions", []):
            if d["type"] == "const":
                self.consts[d["name"]] = d["value"]
        self.sets = {s["name"]: s for s in self.y["attribute-sets"]}
        self.ops = self.y["operations"]["list"]

    def const_ref(self, v):
        """Checks may name a const; emit its C name so the header stays the
        single source of truth."""
        if isinstance(v, str):
            if v not in self.consts:
                sys.exit(f"nlspec-gen: unknown const {v}")
            return f"{self.prefix}_{c_upper(v)}"
        return str(v)

    def const_val(self, v):
        return self.consts[v] if isinstance(v, str) else v

    def attr_enum(self, aset, attr):
        return f"{self.prefix}_A_{c_upper(aset)}_{c_upper(attr)}"

    def attr_max(self, aset):
        return f"{self.prefix}_A_{c_upper(aset)}_MAX"

    def cmd_enum(self, op):
        return f"{self.prefix}_CMD_{c_upper(op['name'])}"


def gen_uapi(spec):
    p = spec.prefix
    out = []
    w = out.append
    w("/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */")
    w("/* Do not edit directly, auto-generated from: */")
    w(f"/*\t{SPEC_PATH} */")
    w("/* YNL-GEN uapi header (tools/nlspec-gen.py) */")
    w("")
    w(f"#ifndef _UAPI_LINUX_{p}_H")
    w(f"#define _UAPI_LINUX_{p}_H")
    w("")
    w(f'#define {p}_FAMILY_NAME\t"{spec.name}"')
    w(f"#define {p}_FAMILY_VERSION\t{spec.y.get('version', 1)}")
    w("")
    for d in spec.y.get("definitions", []):
        if d.get("doc"):
            w(f"/* {d['doc'].strip()} */")
        if d["type"] == "const":
            w(f"#define {p}_{c_upper(d['name'])}\t{d['value']}")
            w("")
        elif d["type"] in ("enum", "flags"):
            # enum-name, as in the kernel's ynl, renames the C enum only.
            ename_c = d.get("enum-name", f"{c_lower(spec.name)}_{c_lower(d['name'])}")
            w(f"enum {ename_c} {{")
            for i, e in enumerate(d["entries"]):
                ename = e if isinstance(e, str) else e["name"]
                val = (1 << i) if d["type"] == "flags" else i + d.get("value-start", 0)
                w(f"\t{p}_{c_upper(d['name'])}_{c_upper(ename)} = {val},")
            if d["type"] == "enum":
                w("")
                w("\t/* private: */")
                w(f"\t__{p}_{c_upper(d['name'])}_MAX,")
            w("};")
            w("")
    for s in spec.y["attribute-sets"]:
        w("enum {")
        for i, a in enumerate(s["attributes"]):
            w(f"\t{spec.attr_enum(s['name'], a['name'])} = {i + 1},")
        w("")
        w(f"\t__{spec.attr_max(s['name'])},")
        w(f"\t{spec.attr_max(s['name'])} = (__{spec.attr_max(s['name'])} - 1)")
        w("};")
        w("")
    w("enum {")
    for i, op in enumerate(spec.ops):
        w(f"\t{spec.cmd_enum(op)} = {i + 1},")
    w("")
    w(f"\t__{p}_CMD_MAX,")
    w(f"\t{p}_CMD_MAX = (__{p}_CMD_MAX - 1)")
    w("};")
    w("")
    w(f"#endif /* _UAPI_LINUX_{p}_H */")
    return "\n".join(out) + "\n"


NLA_INT = {"u8": "NLA_U8", "u16": "NLA_U16", "u32": "NLA_U32", "u64": "NLA_U64",
           "s32": "NLA_S32", "s64": "NLA_S64"}
NLA_BE = {"u16": "NLA_BE16", "u32": "NLA_BE32", "u64": "NLA_BE64"}


def range_name(spec, aset, a):
    return f"{c_lower(spec.name)}_a_{c_lower(aset)}_{c_lower(a['name'])}_range"


def needs_full_range(spec, a):
    """struct nla_policy keeps min/max in s16: wider bounds need a
    struct netlink_range_validation."""
    chk = a.get("checks", {})
    return a["type"] in NLA_INT and any(
        k in chk and not -32768 <= spec.const_val(chk[k]) <= 32767 for k in ("min", "max"))


def policy_entry(spec, aset, a):
    t = a["type"]
    chk = a.get("checks", {})
    if t in NLA_INT:
        nt = NLA_INT[t]
        if a.get("byte-order") == "big-endian":
            if t not in NLA_BE or chk:
                sys.exit(f"nlspec-gen: {aset}.{a['name']}: big-endian needs u16/u32/u64, no checks")
            return f"{{ .type = {NLA_BE[t]}, }}"
        if needs_full_range(spec, a):
            return f"NLA_POLICY_FULL_RANGE({nt}, &{range_name(spec, aset, a)})"
        if "min" in chk and "max" in chk:
            return f"NLA_POLICY_RANGE({nt}, {spec.const_ref(chk['min'])}, {spec.const_ref(chk['max'])})"
        if "max" in chk:
            return f"NLA_POLICY_MAX({nt}, {spec.const_ref(chk['max'])})"
        if "min" in chk:
            return f"NLA_POLICY_MIN({nt}, {spec.const_ref(chk['min'])})"
        return f"{{ .type = {nt}, }}"
    if t == "pad":
        # Alignment filler of 64-bit attributes: never valid in a request.
        return "{ .type = NLA_REJECT, }"
    if t == "flag":
        return "{ .type = NLA_FLAG, }"
    if t == "string":
        if "max-len" in chk:
            return f"{{ .type = NLA_NUL_STRING, .len = {spec.const_ref(chk['max-len'])}, }}"
        return "{ .type = NLA_NUL_STRING, }"
    if t == "binary":
        if "exact-len" in chk:
            return f"NLA_POLICY_EXACT_LEN({spec.const_ref(chk['exact-len'])})"
        lo = spec.const_ref(chk.get("min-len", 0))
        if "max-len" in chk and "min-len" not in chk:
            # .len is a u16; the range form keeps bounds in s16.
            return f"{{ .type = NLA_BINARY, .len = {spec.const_ref(chk['max-len'])}, }}"
        if "max-len" in chk:
            if spec.const_val(chk["max-len"]) > 32767:
                sys.exit(f"nlspec-gen: {aset}.{a['name']}: min-len with max-len > 32767 unsupported")
            return f"NLA_POLICY_RANGE(NLA_BINARY, {lo}, {spec.const_ref(chk['max-len'])})"
        if "min-len" in chk:
            return f"NLA_POLICY_MIN_LEN({lo})"
        return "{ .type = NLA_BINARY, }"
    if t == "nest":
        sub = a["nested-attributes"]
        return f"NLA_POLICY_NESTED({c_lower(spec.name)}_{c_lower(sub)}_nl_policy)"
    sys.exit(f"nlspec-gen: unsupported type {t} in {aset}.{a['name']}")


def op_request(op):
    for kind in ("do", "dump"):
        if kind in op and "request" in op[kind]:
            return op[kind]["request"].get("attributes", [])
    return []


def gen_kernel(spec):
    p = spec.prefix
    lp = c_lower(spec.name)
    hdr = []
    src = []
    h = hdr.append
    c = src.append
    banner = ["/* SPDX-License-Identifier: GPL-2.0 */",
              "/* Do not edit directly, auto-generated from: */",
              f"/*\t{SPEC_PATH} */",
              "/* YNL-GEN kernel source (tools/nlspec-gen.py) */", ""]
    hdr.extend(banner)
    h(f"#ifndef _{p}_NL_GEN_H")
    h(f"#define _{p}_NL_GEN_H")
    h("")
    h("#include <net/genetlink.h>")
    h("#include <uapi/linux/pmhs.h>")
    h("")
    src.extend(banner)
    src[0] = "// SPDX-License-Identifier: GPL-2.0"
    c('#include "nl_gen.h"')
    c("")

    # Nested sets referenced by attributes need a shared policy.
    nested = set()
    for s in spec.y["attribute-sets"]:
        for a in s["attributes"]:
            if a["type"] == "nest":
                nested.add(a["nested-attributes"])
    emitted = set()

    def range_struct(aset, a):
        if not needs_full_range(spec, a) or (aset, a["name"]) in emitted:
            return
        emitted.add((aset, a["name"]))
        chk = a["checks"]
        # Not const: 6.1's struct nla_policy points to a mutable one.
        c(f"static struct netlink_range_validation {range_name(spec, aset, a)} = {{")
        c(f"\t.min\t= {spec.const_ref(chk.get('min', 0))},")
        c(f"\t.max\t= {spec.const_ref(chk['max'])},")
        c("};")
        c("")

    def policy_line(aset, a):
        line = f"\t[{spec.attr_enum(aset, a['name'])}] = {policy_entry(spec, aset, a)},"
        if len(line.expandtabs(8)) > 100:
            line = f"\t[{spec.attr_enum(aset, a['name'])}] =\n\t\t{policy_entry(spec, aset, a)},"
        c(line)

    for name in sorted(nested):
        s = spec.sets[name]
        for a in s["attributes"]:
            range_struct(name, a)
        c(f"const struct nla_policy {lp}_{c_lower(name)}_nl_policy[{spec.attr_max(name)} + 1] = {{")
        for a in s["attributes"]:
            policy_line(name, a)
        c("};")
        c("")
        h(f"extern const struct nla_policy {lp}_{c_lower(name)}_nl_policy[{spec.attr_max(name)} + 1];")

    for op in spec.ops:
        aset = op.get("attribute-set")
        for n in op_request(op):
            range_struct(aset, next(x for x in spec.sets[aset]["attributes"] if x["name"] == n))

    for op in spec.ops:
        req = op_request(op)
        if not req:
            continue
        aset = op["attribute-set"]
        attrs = {a["name"]: a for a in spec.sets[aset]["attributes"]}
        last = max(req, key=lambda n: list(attrs).index(n))
        c(f"/* {p}_CMD_{c_upper(op['name'])} - {'do' if 'do' in op else 'dump'} */")
        decl = (f"{lp}_{c_lower(op['name'])}_nl_policy"
                f"[{spec.attr_enum(aset, last)} + 1] = {{")
        # checkpatch's 100 columns: the type on a line of its own if need be
        if len("static const struct nla_policy " + decl) > 100:
            c("static const struct nla_policy")
            c(decl)
        else:
            c("static const struct nla_policy " + decl)
        for n in sorted(req, key=lambda n: list(attrs).index(n)):
            policy_line(aset, attrs[n])
        c("};")
        c("")

    if nested:
        h("")
    h("/* Ops table */")
    c("/* Ops table for pmhs */")
    c(f"const struct genl_ops {lp}_nl_ops[{len(spec.ops)}] = {{")
    for op in spec.ops:
        on = c_lower(op["name"])
        c("\t{")
        c(f"\t\t.cmd\t\t= {spec.cmd_enum(op)},")
        if "do" in op:
            c(f"\t\t.doit\t\t= {lp}_nl_{on}_doit,")
            h(f"int {lp}_nl_{on}_doit(struct sk_buff *skb, struct genl_info *info);")
        if "dump" in op:
            c(f"\t\t.dumpit\t\t= {lp}_nl_{on}_dumpit,")
            h(f"int {lp}_nl_{on}_dumpit(struct sk_buff *skb, struct netlink_callback *cb);")
            if op["dump"].get("done"):
                c(f"\t\t.done\t\t= {lp}_nl_{on}_done,")
                h(f"int {lp}_nl_{on}_done(struct netlink_callback *cb);")
        req = op_request(op)
        if req:
            aset = op["attribute-set"]
            attrs = list(a["name"] for a in spec.sets[aset]["attributes"])
            last = max(req, key=attrs.index)
            c(f"\t\t.policy\t\t= {lp}_{on}_nl_policy,")
            c(f"\t\t.maxattr\t= {spec.attr_enum(aset, last)},")
        flags = []
        for f in op.get("flags", []):
            flags.append({"admin-perm": "GENL_ADMIN_PERM",
                          "uns-admin-perm": "GENL_UNS_ADMIN_PERM"}[f])
        if flags:
            c(f"\t\t.flags\t\t= {' | '.join(flags)},")
        c("\t},")
    c("};")
    h("")
    h(f"extern const struct genl_ops {lp}_nl_ops[{len(spec.ops)}];")
    h("")
    h(f"#endif /* _{p}_NL_GEN_H */")
    return "\n".join(hdr) + "\n", "\n".join(src) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    spec = Spec(sys.argv[1])
    outdir = sys.argv[2]
    h, c = gen_kernel(spec)
    files = {
        "include/uapi/linux/pmhs.h": gen_uapi(spec),
        "kmod/netlink/nl_gen.h": h,
        "kmod/netlink/nl_gen.c": c,
    }
    for rel, text in files.items():
        path = os.path.join(outdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
