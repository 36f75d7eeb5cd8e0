// The warm C# compiler: one mono process that keeps mcs loaded and JIT-compiled, and compiles one
// request after another, so a compile costs ~30 ms instead of starting mcs (~100+ ms) every time.
// It only compiles: no user code ever runs in this process.
//
// Protocol on stdin/stdout: docs/compiler-protocol.md (stdout carries nothing else; mcs's own console
// output goes to stderr). Arguments: the mcs options (the same as the sandbox's mcs command line);
// the request's .cs files are appended to them.
using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Text;

static class CompilerServer
{
    const string McsPath = "/usr/lib/mono/4.5/mcs.exe";

    static void Main(string[] options)
    {
        var mcs = Assembly.LoadFrom(McsPath);
        var entry = mcs.GetType("Mono.CSharp.CompilerCallableEntryPoint", true);
        var invoke = entry.GetMethod("InvokeCompiler", new[] { typeof(string[]), typeof(TextWriter) });
        var reset = entry.GetMethod("Reset", Type.EmptyTypes);

        Stream input = Console.OpenStandardInput();
        Stream output = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
        string root = Path.Combine(Path.GetTempPath(), "wc-compile");
        Directory.CreateDirectory(root);

        for (long n = 1; ; n++)
        {
            string version = ReadField(input, true);
            if (version == null) return;
            if (version != "wcc1") throw new InvalidDataException("unknown protocol version " + version);
            int count = int.Parse(ReadField(input, false));
            // Each compile in a fresh directory, removed before the answer: none sees another's files.
            string dir = Path.Combine(root, n.ToString());
            Directory.CreateDirectory(dir);
            Directory.SetCurrentDirectory(dir);
            var inputs = new HashSet<string>();
            var args = new List<string>(options);
            for (int i = 0; i < count; i++)
            {
                string path = CheckedPath(ReadField(input, false));
                byte[] content = ReadBytes(input);
                string full = Path.Combine(dir, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full));
                File.WriteAllBytes(full, content);
                inputs.Add(path);
                if (path.EndsWith(".cs", StringComparison.Ordinal)) args.Add(path);
            }

            var messages = new StringWriter();
            bool ok;
            bool declined = false;
            try
            {
                ok = (bool)invoke.Invoke(null, new object[] { args.ToArray(), messages });
            }
            catch (TargetInvocationException e)
            {
                // Declined (docs/compiler-protocol.md): the caller compiles this one in the sandbox.
                messages.WriteLine("error CS0000: internal compiler error: " + e.InnerException.Message);
                ok = false;
                declined = true;
            }
            finally
            {
                reset.Invoke(null, null);
            }
            var artifacts = new List<KeyValuePair<string, byte[]>>();
            if (ok)
            {
                foreach (string file in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
                {
                    string rel = file.Substring(dir.Length + 1);
                    if (!inputs.Contains(rel)) artifacts.Add(new KeyValuePair<string, byte[]>(rel, File.ReadAllBytes(file)));
                }
            }
            Directory.SetCurrentDirectory(root);
            Directory.Delete(dir, true);

            var answer = new MemoryStream();
            WriteField(answer, Encoding.ASCII.GetBytes(ok ? "0" : declined ? "255" : "1"));
            WriteField(answer, Encoding.UTF8.GetBytes(messages.ToString()));
            WriteField(answer, Encoding.ASCII.GetBytes(artifacts.Count.ToString()));
            foreach (var a in artifacts)
            {
                WriteField(answer, Encoding.UTF8.GetBytes(a.Key));
                WriteField(answer, Encoding.ASCII.GetBytes("644"));
                WriteField(answer, a.Value);
            }
            answer.WriteTo(output);
            output.Flush();
        }
    }

    /** A relative path with no empty, "." or ".." segment; anything else is not our caller's. */
    static string CheckedPath(string path)
    {
        if (path.Length == 0 || path.StartsWith("/")) throw new InvalidDataException("bad path " + path);
        foreach (string s in path.Split('/'))
            if (s.Length == 0 || s == "." || s == "..") throw new InvalidDataException("bad path " + path);
        return path;
    }

    static void WriteField(Stream s, byte[] bytes)
    {
        byte[] head = Encoding.ASCII.GetBytes(bytes.Length + "\n");
        s.Write(head, 0, head.Length);
        s.Write(bytes, 0, bytes.Length);
    }

    /** A field as text; null at the end of input only where a request may begin. */
    static string ReadField(Stream s, bool mayEnd)
    {
        byte[] b = ReadBytes(s, mayEnd);
        return b == null ? null : Encoding.UTF8.GetString(b);
    }

    static byte[] ReadBytes(Stream s, bool mayEnd = false)
    {
        var head = new StringBuilder();
        for (;;)
        {
            int c = s.ReadByte();
            if (c < 0)
            {
                if (mayEnd && head.Length == 0) return null;
                throw new EndOfStreamException();
            }
            if (c == '\n') break;
            if (c < '0' || c > '9' || head.Length > 10) throw new InvalidDataException("bad field length");
            head.Append((char)c);
        }
        int n = int.Parse(head.ToString());
        var buf = new byte[n];
        int off = 0;
        while (off < n)
        {
            int r = s.Read(buf, off, n - off);
            if (r <= 0) throw new EndOfStreamException();
            off += r;
        }
        return buf;
    }
}
