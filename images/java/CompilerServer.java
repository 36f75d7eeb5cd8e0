// The warm Java compiler: one JVM that keeps javac loaded (javax.tools, the JDK's own compiler) and
// compiles one request after another, so a hello world costs tens of milliseconds instead of starting
// javac (~0.5-1 s) every time. It only compiles: no user code ever runs in this process (annotation
// processing is off, no plugins, nothing on a processor path).
//
// Protocol: docs/compiler-protocol.md (fields are "<byte length>\n" then that many bytes).
//   request (stdin):  "wcc1", N, then N times path and content
//   answer (stdout):  exit code, javac's messages, M, then M times path, mode ("644"), content
//
// Started as (the --add-* flags open the javac internals below to this class):
//   java <JVM flags> --add-exports jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED
//     --add-exports jdk.compiler/com.sun.tools.javac.main=ALL-UNNAMED
//     --add-exports jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED
//     --add-opens jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
//     -cp /opt/webcompile CompilerServer <javac options, e.g. -proc:none>
// Each request compiles like `javac <javac options> <the request's .java files>` run in a fresh
// directory that holds the request's files: the same messages byte for byte (file names as on that
// command line), the same exit code, the same class files, written where javac without -d writes
// them (next to their source).
//
// How it matches the command line, with javac's internal API (the JDK is pinned by the image):
// - each compile has a context and file manager of its own, made the way javac's Main makes them
//   (the file manager reports into the compile's log: an unmappable byte in a source is an error
//   of that compile, as on the command line, where javax.tools' shared file manager would print it
//   to stderr and let the compile succeed); the loaded, JIT-compiled compiler and the JDK's module
//   image (jrt) index are what the compiles share;
// - a source is javac's own file object for a file named on the command line
//   (PathFileObject.forSimplePath): read from /tmp/wc-compile/<n>/Main.java, named "Main.java";
// - JavacTaskImpl.doCall gives javac's exit code (0 ok, 1 errors, 2 bad options, 3 fatal, 4 crash).
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import com.sun.tools.javac.api.JavacTaskImpl;
import com.sun.tools.javac.api.JavacTool;
import com.sun.tools.javac.file.JavacFileManager;
import com.sun.tools.javac.main.Main;
import com.sun.tools.javac.util.Context;
import com.sun.tools.javac.util.Log;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

public final class CompilerServer {
    private static final Path ROOT = Paths.get("/tmp/wc-compile");
    private static final int MAX_FIELD = 128 << 20;
    private static final int MAX_FILES = 10_000;

    /** Options that would read or run something outside the request's directory and the JDK. */
    private static final Set<String> REFUSED = Set.of(
            "-processor", "-processorpath", "--processor-path", "--processor-module-path",
            "-proc:full", "-proc:only", "-d", "-s", "-h", "-sourcepath", "--source-path", "-cp",
            "-classpath", "--class-path", "-p", "--module-path", "--module-source-path",
            "--upgrade-module-path", "--system", "--patch-module", "-bootclasspath",
            "--boot-class-path", "-extdirs", "-endorseddirs", "-J");

    private final JavacTool javac;
    private final List<String> options;
    private final Method forSimplePath;
    private long counter;

    private CompilerServer(JavacTool javac, List<String> options, Method forSimplePath) {
        this.javac = javac;
        this.options = options;
        this.forSimplePath = forSimplePath;
    }

    public static void main(String[] args) {
        InputStream in = new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16);
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        // stdout carries the answers only: anything else that prints goes to the log.
        System.setOut(System.err);

        List<String> options = List.of(args);
        for (String o : options) {
            String name = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
            if (REFUSED.contains(name) || o.startsWith("-J") || o.startsWith("-Xplugin")
                    || o.startsWith("--plugin") || o.startsWith("@") || o.startsWith("-Xbootclasspath")) {
                fail("refused javac option " + o + " (the server sets the paths; no processors or plugins)");
            }
        }
        if (!options.contains("-proc:none")) fail("javac options must include -proc:none (annotation processing off)");

        JavacTool javac;
        Method forSimplePath;
        try {
            javac = JavacTool.create();
            forSimplePath = Class.forName("com.sun.tools.javac.file.PathFileObject")
                    .getDeclaredMethod("forSimplePath", Class.forName("com.sun.tools.javac.file.BaseFileManager"),
                            Path.class, Path.class);
            forSimplePath.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            fail("javac's internals are not reachable (start the JVM with the --add-exports and --add-opens"
                    + " flags at the top of CompilerServer.java): " + e);
            return;
        }
        CompilerServer server = new CompilerServer(javac, options, forSimplePath);
        try {
            Files.createDirectories(ROOT);
            // Refuses bad options now rather than on every request (the compile is not started).
            Context context = new Context();
            context.put(Log.errKey, new PrintWriter(new StringWriter()));
            javac.getTask(null, new JavacFileManager(context, false, null), null, options, null, List.of(), context);
        } catch (IllegalArgumentException e) {
            fail("javac refused its options: " + e.getMessage());
        } catch (IOException e) {
            fail("cannot create " + ROOT + ": " + e);
        } catch (LinkageError e) {
            fail("javac's internals are not reachable (start the JVM with the --add-exports and --add-opens"
                    + " flags at the top of CompilerServer.java): " + e);
        }
        try {
            server.serve(in, out);
        } catch (EOFException e) {
            fail("end of input in the middle of a request");
        } catch (BadRequest e) {
            fail("bad request: " + e.getMessage());
        } catch (IOException e) {
            fail("I/O error: " + e);
        }
        System.exit(0);
    }

    private static void fail(String message) {
        System.err.println("compiler-server: " + message);
        System.err.flush();
        System.exit(2);
    }

    private static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    private void serve(InputStream in, OutputStream out) throws IOException, BadRequest {
        for (;;) {
            int versionLength = readLength(in, true);
            if (versionLength < 0) return; // end of input between requests
            String version = new String(readBytes(in, versionLength), StandardCharsets.ISO_8859_1);
            if (!version.equals("wcc1")) throw new BadRequest("protocol version \"" + version + "\", not wcc1");
            int n = parseCount(readField(in), "number of files");
            if (n < 1 || n > MAX_FILES) throw new BadRequest("number of files " + n);
            List<String> paths = new ArrayList<>(n);
            List<byte[]> contents = new ArrayList<>(n);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < n; i++) {
                String path = decodePath(readField(in));
                if (!seen.add(path)) throw new BadRequest("path " + path + " given twice");
                paths.add(path);
                contents.add(readField(in));
            }
            for (String path : paths) {
                for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
                    if (seen.contains(path.substring(0, slash))) {
                        throw new BadRequest("path " + path + " is inside the file " + path.substring(0, slash));
                    }
                }
            }
            byte[] answer = compile(paths, contents);
            out.write(answer);
            out.flush();
        }
    }

    // ---- One compile ------------------------------------------------------------------------

    private byte[] compile(List<String> paths, List<byte[]> contents) throws IOException {
        Path dir;
        for (;;) {
            dir = ROOT.resolve(Long.toString(++counter));
            try {
                Files.createDirectory(dir);
                break;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // left by someone else: take the next number
            }
        }
        Map<String, byte[]> inputs = new HashMap<>();
        int exitCode;
        String messages;
        TreeMap<String, byte[]> artifacts = new TreeMap<>();
        try {
            List<JavaFileObject> units = new ArrayList<>();
            for (int i = 0; i < paths.size(); i++) {
                String rel = paths.get(i);
                Path file = dir.resolve(rel);
                Files.createDirectories(file.getParent());
                Files.write(file, contents.get(i), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                inputs.put(rel, contents.get(i));
            }
            StringWriter log = new StringWriter();
            int code;
            // As javac's Main: the file manager lives in the compile's context and reports into its log.
            Context context = new Context();
            context.put(Log.errKey, new PrintWriter(log));
            JavacFileManager fm = new JavacFileManager(context, false, null);
            try {
                for (String rel : paths) {
                    // javac's own file object for a file named on its command line: read from
                    // dir/rel, named rel in messages, its class files written next to it.
                    if (rel.endsWith(".java")) {
                        units.add((JavaFileObject) forSimplePath.invoke(null, fm, dir.resolve(rel), Paths.get(rel)));
                    }
                }
                // The command line's default class path "." (which also holds its sources); nothing
                // on the processor path, whatever the options say.
                fm.setLocationFromPaths(StandardLocation.CLASS_PATH, List.of(dir));
                fm.setLocationFromPaths(StandardLocation.SOURCE_PATH, List.of(dir));
                fm.setLocationFromPaths(StandardLocation.ANNOTATION_PROCESSOR_PATH, List.of());
                JavacTaskImpl task = (JavacTaskImpl) javac.getTask(null, fm, null, options, null, units, context);
                Main.Result result = task.doCall();
                code = result.exitCode;
            } catch (IllegalArgumentException | IllegalStateException e) {
                // How javac's API reports what its command line prints as a usage error (exit 2),
                // "error: no source files" for one.
                String m = String.valueOf(e.getMessage());
                if (m.startsWith("error: ") && e.getCause() == null) {
                    log.write(m + "\n");
                    code = 2;
                } else {
                    code = internalError(log, e);
                }
            } catch (InvocationTargetException e) {
                code = internalError(log, e.getCause());
            } catch (IllegalAccessException e) {
                code = internalError(log, e);
            } catch (RuntimeException e) {
                code = internalError(log, e.getCause() != null ? e.getCause() : e);
            } catch (StackOverflowError e) {
                code = internalError(log, e);
            } finally {
                fm.close();
            }
            // javac's own "system error" and "abnormal" ends (3, 4) are worded by its command line
            // otherwise: declined (docs/compiler-protocol.md), the caller compiles it in the sandbox.
            exitCode = code == 3 || code == 4 ? 255 : code;
            // Files javac found on the class path or source path (not named on the command line)
            // have the directory in their names, where the command line says "./".
            messages = log.toString().replace(dir + "/", "./");
            if (exitCode == 0) collectArtifacts(dir, inputs, artifacts);
        } finally {
            removeRecursively(dir);
        }

        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        writeField(answer, Integer.toString(exitCode).getBytes(StandardCharsets.US_ASCII));
        writeField(answer, messages.getBytes(StandardCharsets.UTF_8));
        writeField(answer, Integer.toString(artifacts.size()).getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, byte[]> a : artifacts.entrySet()) {
            writeField(answer, a.getKey().getBytes(StandardCharsets.UTF_8));
            writeField(answer, "644".getBytes(StandardCharsets.US_ASCII));
            writeField(answer, a.getValue());
        }
        return answer.toByteArray();
    }

    /** An exception out of javac (not a compile error): this request's error, not the server's end. */
    private static int internalError(StringWriter log, Throwable t) {
        if (t instanceof OutOfMemoryError) throw (OutOfMemoryError) t;
        if (t instanceof StackOverflowError) {
            log.write("The system is out of resources.\nConsult the following stack trace for details.\n");
        } else {
            log.write("error: internal compiler error: " + t + "\n");
        }
        PrintWriter pw = new PrintWriter(log);
        t.printStackTrace(pw);
        pw.flush();
        System.err.println("compiler-server: internal compiler error: " + t);
        return 255;
    }

    private static void collectArtifacts(Path dir, Map<String, byte[]> inputs, TreeMap<String, byte[]> artifacts)
            throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isRegularFile()) return FileVisitResult.CONTINUE;
                String rel = dir.relativize(file).toString();
                byte[] content = Files.readAllBytes(file);
                byte[] input = inputs.get(rel);
                if (input == null || !Arrays.equals(input, content)) artifacts.put(rel, content);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void removeRecursively(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<Path>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) throw e;
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // The next compile could see this one's files: stop, the caller starts a fresh server.
            fail("cannot remove " + dir + ": " + e);
        }
    }

    // ---- Framing ----------------------------------------------------------------------------

    /** A field's length; -1 at end of input before its first byte when that is allowed. */
    private static int readLength(InputStream in, boolean eofAllowed) throws IOException, BadRequest {
        long value = 0;
        int digits = 0;
        for (;;) {
            int b = in.read();
            if (b < 0) {
                if (digits == 0 && eofAllowed) return -1;
                throw new EOFException();
            }
            if (b == '\n') break;
            if (b < '0' || b > '9' || ++digits > 10) throw new BadRequest("bad field length");
            value = value * 10 + (b - '0');
        }
        if (digits == 0) throw new BadRequest("empty field length");
        if (value > MAX_FIELD) throw new BadRequest("field of " + value + " bytes (at most " + MAX_FIELD + ")");
        return (int) value;
    }

    private static byte[] readBytes(InputStream in, int length) throws IOException {
        byte[] buf = new byte[length];
        int off = 0;
        while (off < length) {
            int r = in.read(buf, off, length - off);
            if (r < 0) throw new EOFException();
            off += r;
        }
        return buf;
    }

    private static byte[] readField(InputStream in) throws IOException, BadRequest {
        return readBytes(in, readLength(in, false));
    }

    private static int parseCount(byte[] field, String what) throws BadRequest {
        String s = new String(field, StandardCharsets.ISO_8859_1);
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadRequest(what + " \"" + s + "\"");
        }
        return Integer.parseInt(s);
    }

    /** A relative, '/'-separated path with no empty, "." or ".." segment. */
    private static String decodePath(byte[] field) throws BadRequest {
        String path;
        try {
            path = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(field)).toString();
        } catch (CharacterCodingException e) {
            throw new BadRequest("path is not UTF-8");
        }
        if (path.isEmpty() || path.startsWith("/")) throw new BadRequest("path \"" + path + "\" is not relative");
        if (path.indexOf('\0') >= 0) throw new BadRequest("path with a NUL byte");
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new BadRequest("path \"" + path + "\" has an empty, . or .. segment");
            }
        }
        return path;
    }

    private static void writeField(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        out.write('\n');
        out.writeBytes(bytes);
    }
}
