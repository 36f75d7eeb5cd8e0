// The warm C# compiler: one mono process that keeps mcs loaded and JIT-compiled, and compiles one
// source after another, so a compile costs ~30 ms instead of starting mcs (~100+ ms) every time.
// It only compiles: no user code ever runs in this process.
//
// Protocol on stdin/stdout (stdout carries nothing else; mcs's own console output goes to stderr):
//   request:  "<byte length>\n" then that many bytes of UTF-8 source
//   response: "<exit code> <message bytes> <assembly bytes>\n" then the messages, then the assembly
using System;
using System.IO;
using System.Reflection;
using System.Text;

static class CompilerServer
{
    static void Main(string[] args)
    {
        string mcsPath = args.Length > 0 ? args[0] : "/usr/lib/mono/4.5/mcs.exe";
        var mcs = Assembly.LoadFrom(mcsPath);
        var entry = mcs.GetType("Mono.CSharp.CompilerCallableEntryPoint", true);
        var invoke = entry.GetMethod("InvokeCompiler", new[] { typeof(string[]), typeof(TextWriter) });
        var reset = entry.GetMethod("Reset", Type.EmptyTypes);

        Stream input = Console.OpenStandardInput();
        Stream output = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
        string dir = Path.Combine(Path.GetTempPath(), "wc-compile");
        Directory.CreateDirectory(dir);
        Directory.SetCurrentDirectory(dir);

        for (;;)
        {
            string header = ReadLine(input);
            if (header == null) return;
            int length = int.Parse(header.Trim());
            byte[] source = ReadExactly(input, length);
            File.WriteAllBytes(Path.Combine(dir, "main.cs"), source);
            string exe = Path.Combine(dir, "main.exe");
            if (File.Exists(exe)) File.Delete(exe);

            var messages = new StringWriter();
            bool ok;
            try
            {
                ok = (bool)invoke.Invoke(null, new object[] { new[] { "-out:main.exe", "main.cs" }, messages });
            }
            catch (TargetInvocationException e)
            {
                messages.WriteLine("error CS0000: internal compiler error: " + e.InnerException.Message);
                ok = false;
            }
            finally
            {
                reset.Invoke(null, null);
            }
            byte[] msg = Encoding.UTF8.GetBytes(messages.ToString());
            byte[] asm = ok && File.Exists(exe) ? File.ReadAllBytes(exe) : new byte[0];
            byte[] head = Encoding.ASCII.GetBytes((ok ? 0 : 1) + " " + msg.Length + " " + asm.Length + "\n");
            output.Write(head, 0, head.Length);
            output.Write(msg, 0, msg.Length);
            output.Write(asm, 0, asm.Length);
            output.Flush();
        }
    }

    static string ReadLine(Stream s)
    {
        var sb = new StringBuilder();
        for (;;)
        {
            int b = s.ReadByte();
            if (b < 0) return sb.Length == 0 ? null : sb.ToString();
            if (b == '\n') return sb.ToString();
            sb.Append((char)b);
        }
    }

    static byte[] ReadExactly(Stream s, int n)
    {
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
