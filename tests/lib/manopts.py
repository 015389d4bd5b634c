#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""manopts.py: a program's options against its man page, both ways.

  manopts.py daemon MANPAGE HELP SRCDIR...
      The program's options are those of every getopt_long table (struct
      option, and its optstring for the short ones) in SRCDIR/*.c and every
      --option its --help output (file HELP) names. The man page's are the
      .TP headers of its OPTIONS section. Both sets must be equal, short
      options included (a short option in the header of its long one), and
      the SYNOPSIS must name every option and nothing else.

  manopts.py commands MANPAGE HELPDIR SRCDIR...
      For a program with commands (xenlog): HELPDIR holds `PROG help` as
      main.txt and `PROG help CMD` as CMD.txt for every command. Each
      command's own options (its usage's "Options:" list) must be the .TP
      headers under that command in COMMANDS; the options of every command
      ("Options of every command") those of the OPTIONS section; every
      command has an entry and every entry a command; the SYNOPSIS names
      only options; and every option table in SRCDIR/*.c is in some usage.

Prints what it compared; exits 1 with every difference."""
import glob
import os
import re
import sys

LONG = r"(?<![\w-])--([a-z][a-z0-9-]*)"
SHORT = r"(?<![\w-])-([A-Za-z])(?![\w-])"


def roff_lines(path):
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        line = re.sub(r"\\f[BIRP]|\\f\(..", "", line)
        line = line.replace("\\-", "-").replace("\\(em", "-").replace('\\"', "")
        out.append(line)
    return out


def options_in(text):
    """{long: short or None} of the options a header or usage line names."""
    found = {}
    text = re.sub(r'[",|\[\]]', " ", text)
    for m in re.finditer(r"(?:(?<![\w-])-([A-Za-z])\s+)?" + LONG, text):
        found[m.group(2)] = m.group(1) or found.get(m.group(2))
    shorts = set(re.findall(SHORT, text)) - {s for s in found.values() if s}
    for s in shorts:
        found["-" + s] = s         # a short option alone
    return found


def man_sections(path):
    """{section: [(header_line or None, line)]}: .TP headers per section."""
    sections, sec, prev = {}, None, ""
    for line in roff_lines(path):
        if line.startswith(".SH"):
            sec = line[3:].strip().strip('"')
            sections.setdefault(sec, [])
        elif sec is not None:
            sections[sec].append((prev in (".TP", ".TQ"), line))
        prev = line.strip()
    return sections


def tp_headers(entries):
    return [line for is_header, line in entries if is_header]


def source_options(dirs, pairs=None):
    """{long: short or None} from struct option / struct opt tables; every
    (long, short) of a struct opt table also into the list pairs."""
    found, optchars, vals = {}, set(), {}
    for d in dirs:
        for f in sorted(glob.glob(os.path.join(d, "*.c"))):
            src = open(f, encoding="utf-8").read()
            for m in re.finditer(r'\{\s*"([a-z][a-z0-9-]*)"\s*,\s*(?:no|required|optional)_argument'
                                 r"\s*,\s*[^,]+,\s*(?:'(.)'|\w+)\s*\}", src):
                found.setdefault(m.group(1), None)
                if m.group(2):
                    vals[m.group(1)] = m.group(2)
            for m in re.finditer(r'getopt_long\s*\([^;]*?,\s*"([^"]*)"', src):
                optchars |= {c for c in m.group(1) if c.isalnum()}
            for m in re.finditer(r'\{\s*"([a-z][a-z0-9-]*)"\s*,\s*(?:\'(.)\'|0)\s*,'
                                 r'\s*(?:"[A-Z]+"|NULL)\s*,', src):
                found[m.group(1)] = m.group(2) or found.get(m.group(1))
                if pairs is not None:
                    pairs.append((m.group(1), m.group(2)))
    for name, c in vals.items():
        if c in optchars:
            found[name] = c
            optchars.discard(c)
    for c in optchars:
        found["-" + c] = c
    return found


def compare(what, prog, man, errors):
    for name in sorted(set(prog) | set(man)):
        if name not in man:
            errors.append("%s: option %s of the program is not in the man page" % (what, name))
        elif name not in prog:
            errors.append("%s: the man page documents %s, which the program does not take"
                          % (what, name))
        elif (prog[name] or None) != (man[name] or None):
            errors.append("%s: --%s: short option -%s in the program, -%s in the man page"
                          % (what, name, prog[name], man[name]))
    print("%s: %d options: %s" % (what, len(prog), " ".join(sorted(prog))))


def merged(lines):
    found = {}
    for line in lines:
        for k, v in options_in(line).items():
            found[k] = v or found.get(k)
    return found


def daemon(man, helpfile, dirs):
    errors = []
    sections = man_sections(man)
    prog = source_options(dirs)
    for k, v in options_in(open(helpfile, encoding="utf-8").read()).items():
        prog[k] = prog.get(k) or v
    compare("OPTIONS", prog, merged(tp_headers(sections.get("OPTIONS", []))), errors)
    compare("SYNOPSIS", prog, merged(l for _, l in sections.get("SYNOPSIS", [])), errors)
    return errors


def usage_lists(text):
    """The option lists of a usage: {title: {long: short}}."""
    lists, title = {}, None
    for line in text.splitlines():
        if re.match(r"^[A-Z][^:]*:$", line):
            title = line[:-1]
            lists[title] = {}
        elif title and re.match(r"^\s+-", line):
            spec = re.match(r"^\s+((?:-\w, )?--[a-z][a-z0-9-]*)", line)
            lists[title].update(options_in(spec.group(1) if spec else line))
        elif not line.strip():
            title = None
    return lists


def commands(man, helpdir, dirs):
    errors = []
    sections = man_sections(man)
    main = open(os.path.join(helpdir, "main.txt"), encoding="utf-8").read()
    cmds = re.findall(r"^  ([a-z]+)\b", main.split("Commands:")[1].split("\n\n")[0], re.M)
    # The COMMANDS section, cut into commands at their .TP headers.
    under, cur = {}, None
    for is_header, line in sections.get("COMMANDS", []):
        m = re.match(r"^\.B ([a-z]+)\b", line) if is_header else None
        if m and m.group(1) in cmds + ["help"]:
            cur = m.group(1)
            under.setdefault(cur, [])
        elif is_header and cur:
            under[cur].append(line)
    everyone, all_prog, all_pairs = None, {}, set()
    for c in cmds:
        lists = usage_lists(open(os.path.join(helpdir, c + ".txt"), encoding="utf-8").read())
        own = lists.get("Options", {})
        all_prog.update(own)
        all_pairs |= set(own.items()) | set(lists.get("Options of every command", {}).items())
        common = lists.get("Options of every command", {})
        if everyone is None:
            everyone = common
        elif common != everyone:
            errors.append("%s: the options of every command differ: %s" % (c, sorted(common)))
        if c not in under:
            errors.append("command %s has no entry in COMMANDS" % c)
            continue
        compare("command " + c, own, merged(under[c]), errors)
    for c in under:
        if c not in cmds:
            errors.append("COMMANDS documents %s, which is not a command" % c)
    everyone = everyone or {}
    all_prog.update(everyone)
    compare("OPTIONS (every command)", everyone,
            merged(tp_headers(sections.get("OPTIONS", []))), errors)
    syn = merged(l for _, l in sections.get("SYNOPSIS", []))
    for name in sorted(syn):
        if name not in all_prog:
            errors.append("SYNOPSIS names %s, which no command takes" % name)
    pairs = []
    source_options(dirs, pairs)
    for name, short in sorted(set(pairs), key=str):
        if (name, short or None) not in all_pairs:
            errors.append("option --%s%s of the source is in no command's usage"
                          % (name, " (-%s)" % short if short else ""))
    print("%d commands: %s" % (len(cmds), " ".join(cmds)))
    return errors


def main():
    mode, man, helps, dirs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    errors = daemon(man, helps, dirs) if mode == "daemon" else commands(man, helps, dirs)
    for e in errors:
        print("manopts: " + e)
    print("manopts: %s: %s" % (os.path.basename(man),
                               "%d differences" % len(errors) if errors else "every option documented, nothing more"))
    return 1 if errors else 0


sys.exit(main())
