"""Runs AWS CLI v1 commands one after another in one Python process.

TestReadmeCommands starts it when the `aws` on PATH is this awscli package
(same version), so that the README's commands cost one interpreter start-up
and one import of awscli and botocore instead of one each (~1-2 s apiece on
a loaded machine). Every command still runs exactly as the `aws` entry point
runs it: awscli.clidriver.main() with sys.argv set, a new botocore session
per command (so environment exported between commands applies), in the
command's working directory, environment, stdout and stderr; only the
parsed service models are kept from one command to the next.

Protocol (one connection per command, from the `aws` shell function the
test defines): NUL-terminated fields: working directory, stdout file,
stderr file, argument count, the arguments, then the environment as
NAME=value entries ended by an empty field. The answer is the exit code and
a newline, after both files are written and closed.

It prints its port and awscli's version on stdout, then serves until
killed.
"""

import os
import socket
import sys
import traceback

import awscli.clidriver
import botocore.session

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(awscli.__file__)), "data")

# Sessions with the same data path share one loader, so that the service
# models (static files) are read and parsed once, as awscli's own test
# driver does (awscli/testutils.py shares one loader across sessions).
_loaders = {}
_create_loader = botocore.session.create_loader


def shared_loader(search_path_string=None):
    """botocore.loaders.create_loader, one loader per search path."""
    if search_path_string not in _loaders:
        _loaders[search_path_string] = _create_loader(search_path_string)
    return _loaders[search_path_string]


botocore.session.create_loader = shared_loader


def parse(data):
    """Returns (cwd, out, err, args, env) once data holds a whole request, else None."""
    fields = data.split(b"\0")[:-1]  # the last piece is not terminated yet
    if len(fields) < 4:
        return None
    argc = int(fields[3])
    if len(fields) < 4 + argc:
        return None
    env = {}
    for entry in fields[4 + argc:]:
        if entry == b"":
            cwd, out, err = (os.fsdecode(f) for f in fields[:3])
            return cwd, out, err, [os.fsdecode(a) for a in fields[4:4 + argc]], env
        name, _, value = entry.partition(b"=")
        env[os.fsdecode(name)] = os.fsdecode(value)
    return None


def run(cwd, out, err, args, env):
    """Runs `aws args...` as the entry point would and returns its exit code."""
    os.environ.clear()
    os.environ.update(env)
    if os.environ.get("LC_CTYPE", "") == "UTF-8":  # as the aws script does
        os.environ["LC_CTYPE"] = "en_US.UTF-8"
    # What importing awscli does to a new process's environment: its data
    # directory (the CLI's own models) joins AWS_DATA_PATH.
    paths = env["AWS_DATA_PATH"].split(os.pathsep) if "AWS_DATA_PATH" in env else []
    paths = [os.path.expanduser(os.path.expandvars(p)) for p in paths]
    os.environ["AWS_DATA_PATH"] = os.pathsep.join(paths + [DATA_DIR])
    os.chdir(cwd)
    enc = sys.__stdout__.encoding
    with open(out, "w", encoding=enc) as o, open(err, "w", encoding=enc) as e, open(os.devnull) as i:
        sys.stdin, sys.stdout, sys.stderr = i, o, e
        sys.argv = ["aws"] + args
        try:
            code = awscli.clidriver.main()
        except SystemExit as exit_:
            code = exit_.code
        except BaseException:  # what an uncaught exception would print, exit code 1
            traceback.print_exc()
            code = 1
        finally:
            sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with open(err, "a", encoding=enc) as e:  # sys.exit("message")
        print(code, file=e)
    return 1


def main():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    print(srv.getsockname()[1], awscli.__version__, flush=True)
    while True:
        conn, _ = srv.accept()
        with conn:
            data, req = b"", None
            while req is None:
                chunk = conn.recv(1 << 16)
                if not chunk:
                    break
                data += chunk
                req = parse(data)
            if req is not None:
                conn.sendall(b"%d\n" % run(*req))


if __name__ == "__main__":
    main()
