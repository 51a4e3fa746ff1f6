"""writeFiles, readFiles, listFiles, removeFiles, confined to the working
directory: a path is relative to it or absolute under it, and anything that
resolves (after '..' and symlinks) outside it is a ValidationException."""
import base64
import binascii
import mimetypes
import os
import posixpath
import shutil

from kernel_errors import Invalid, Quota

READ_CAP = 32 << 20  # bytes one readFiles call may return


def _text(s, error=False):
    return {"content": [{"type": "text", "text": s}], "isError": error}


def _mime(path, default):
    return mimetypes.guess_type(path)[0] or default


def _uri(path):
    return "file://" + path


class Files:
    def __init__(self, root):
        self.root = os.path.realpath(root)

    def _inside(self, real):
        return self.root == os.sep or real == self.root or real.startswith(self.root + os.sep)

    def resolve(self, p, member, follow=True):
        """The real path of p; with follow=False a final symlink is not
        followed (removing a link removes the link)."""
        if not isinstance(p, str) or not p:
            raise Invalid("%s must be a non-empty string" % member)
        if "\x00" in p:
            raise Invalid("%s must not contain NUL characters" % member)
        full = os.path.normpath(p if os.path.isabs(p) else os.path.join(self.root, p))
        if follow:
            real = os.path.realpath(full)
        else:
            real = os.path.join(os.path.realpath(os.path.dirname(full)), os.path.basename(full))
        if not self._inside(real):
            raise Invalid("%s %r is outside the working directory" % (member, p))
        return real

    def paths(self, args, tool):
        ps = args.get("paths")
        if ps is None:
            raise Invalid("paths is required for %s" % tool)
        if not isinstance(ps, list) or not all(isinstance(p, str) for p in ps):
            raise Invalid("paths must be a list of strings")
        return ps

    def write(self, args):
        content = args.get("content")
        if content is None:
            raise Invalid("content is required for writeFiles")
        if not isinstance(content, list):
            raise Invalid("content must be a list of {path, text|blob}")
        plan = []
        for i, item in enumerate(content):
            if not isinstance(item, dict):
                raise Invalid("content[%d] must be an object" % i)
            real = self.resolve(item.get("path"), "content[%d].path" % i)
            if real == self.root:
                raise Invalid("content[%d].path is the working directory itself" % i)
            if item.get("text") is not None:
                if not isinstance(item["text"], str):
                    raise Invalid("content[%d].text must be a string" % i)
                data = item["text"].encode("utf-8", errors="surrogatepass")
            elif item.get("blob") is not None:
                if not isinstance(item["blob"], str):
                    raise Invalid("content[%d].blob must be a base64 string" % i)
                try:
                    data = base64.b64decode(item["blob"], validate=True)
                except (binascii.Error, ValueError):
                    raise Invalid("content[%d].blob is not valid base64" % i)
            else:
                raise Invalid("content[%d] needs text or blob" % i)
            plan.append((item["path"], real, data))
        failed = []
        for path, real, data in plan:
            try:
                os.makedirs(os.path.dirname(real), exist_ok=True)
                with open(real, "wb") as f:
                    f.write(data)
            except OSError as e:
                failed.append("%s: %s" % (path, e.strerror or e))
        if failed:
            return _text("Wrote %d file(s); failed: %s" % (len(plan) - len(failed), "; ".join(failed)), True)
        return _text("Successfully wrote %d file(s)" % len(plan))

    def read(self, args):
        ps = self.paths(args, "readFiles")
        reals = [(p, self.resolve(p, "path")) for p in ps]
        total = 0
        for _, real in reals:
            try:
                total += os.stat(real).st_size if os.path.isfile(real) else 0
            except OSError:
                pass
        if total > READ_CAP:
            raise Quota("the files are %d bytes in total; readFiles returns at most %d bytes per call" % (total, READ_CAP))
        blocks, failed = [], []
        for p, real in reals:
            if os.path.isdir(real):
                failed.append("%s: is a directory" % p)
                continue
            if os.path.exists(real) and not os.path.isfile(real):
                failed.append("%s: not a regular file" % p)  # a FIFO would block the read
                continue
            try:
                with open(real, "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                failed.append("%s: no such file" % p)
                continue
            except OSError as e:
                failed.append("%s: %s" % (p, e.strerror or e))
                continue
            try:
                res = {"type": "text", "uri": _uri(p), "mimeType": _mime(p, "text/plain"), "text": data.decode("utf-8")}
            except UnicodeDecodeError:
                res = {"type": "blob", "uri": _uri(p), "mimeType": _mime(p, "application/octet-stream"),
                       "blob": base64.b64encode(data).decode()}
            blocks.append({"type": "resource", "resource": res})
        if failed:
            blocks.append({"type": "text", "text": "Could not read: " + "; ".join(failed)})
        return {"content": blocks, "isError": bool(failed)}

    def list(self, args):
        path = args.get("directoryPath")
        if path is None:
            path = args.get("path")
        if path is None or path == "":
            path = "."
        member = "directoryPath" if args.get("directoryPath") is not None else "path"
        real = self.resolve(path, member)
        if not os.path.isdir(real):
            why = "is not a directory" if os.path.exists(real) else "does not exist"
            return _text("%s %s" % (path, why), True)
        blocks = []
        try:
            entries = sorted(os.scandir(real), key=lambda e: e.name)
        except OSError as e:
            return _text("cannot list %s: %s" % (path, e.strerror or e), True)
        for e in entries:
            try:
                st = e.stat(follow_symlinks=False)
                is_dir = e.is_dir(follow_symlinks=False)
            except OSError:
                continue
            shown = posixpath.normpath(posixpath.join(path, e.name))
            blocks.append({"type": "resource_link", "uri": _uri(shown), "name": e.name,
                           "mimeType": "inode/directory" if is_dir else _mime(e.name, "application/octet-stream"),
                           "size": st.st_size, "description": "directory" if is_dir else "file"})
        return {"content": blocks, "isError": False}

    def remove(self, args):
        ps = self.paths(args, "removeFiles")
        reals = [(p, self.resolve(p, "path", follow=False)) for p in ps]
        for p, real in reals:
            if real == self.root:
                raise Invalid("path %r is the working directory itself" % p)
        removed, failed = 0, []
        for p, real in reals:
            try:
                if os.path.isdir(real) and not os.path.islink(real):
                    shutil.rmtree(real)
                else:
                    os.remove(real)
                removed += 1
            except FileNotFoundError:
                failed.append("%s: no such file" % p)
            except OSError as e:
                failed.append("%s: %s" % (p, e.strerror or e))
        if failed:
            return _text("Removed %d file(s); could not remove: %s" % (removed, "; ".join(failed)), True)
        return _text("Successfully removed %d file(s)" % removed)
