package org.jnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the repository's README.md compiles against the project, and a block
 * that is a program of this folder is that program, word for word: a README a reader copies from
 * cannot rot.
 */
class ReadmeSnippetsTest {

    static final Path README = Path.of("..", "README.md");
    static final Path EXAMPLES = Path.of("src/main/java/org/jnn/examples");

    /** What a reader's file would import; snippets show only the code that matters. */
    static final String IMPORTS = "import java.io.*; import java.nio.file.*; import java.util.*; "
            + "import org.jnn.api.*; import org.jnn.core.*; import org.jnn.core.optim.*; import org.jnn.mnist.*; "
            + "import org.jnn.core.conformance.*;";

    /** Names a snippet uses for the reader's own code, declared here so that the snippet compiles. */
    static final String PLACEHOLDERS = "/** stands in for the reader's backend */\n"
            + "class MyLinearAlgebra extends ReferenceLinearAlgebra { }\n";

    /** A fenced block, also indented inside a list item (its indentation is removed). */
    private static final Pattern BLOCK = Pattern.compile("^([ \\t]*)```java\\n(.*?)^\\1```", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern TYPE = Pattern.compile(
            "^(?:public\\s+)?(?:final\\s+|abstract\\s+)*(?:class|record|interface|enum)\\s+(\\w+)", Pattern.MULTILINE);

    /** A {@code ```java} block and the README line it starts on. */
    record Snippet(int line, String code) {

        /** The top-level type it declares, or null for statements. */
        String typeName() {
            Matcher m = TYPE.matcher(code);
            return m.find() ? m.group(1) : null;
        }
    }

    static List<Snippet> snippets(String markdown) {
        List<Snippet> snippets = new ArrayList<>();
        Matcher m = BLOCK.matcher(markdown);
        while (m.find()) {
            int line = (int) markdown.substring(0, m.start()).lines().count() + 1;
            String indent = m.group(1);
            snippets.add(new Snippet(line, m.group(2).lines()
                    .map(l -> l.startsWith(indent) ? l.substring(indent.length()) : l)
                    .collect(java.util.stream.Collectors.joining("\n", "", "\n"))));
        }
        return snippets;
    }

    @Test
    void everyJavaSnippetInTheReadmeCompiles(@TempDir Path out) throws IOException {
        List<Snippet> snippets = snippets(Files.readString(README));
        assertTrue(snippets.size() >= 3, "the README's Java snippets were not found: " + snippets);
        List<JavaFileObject> units = new ArrayList<>();
        units.add(source("Placeholders", IMPORTS + "\n" + PLACEHOLDERS));
        for (Snippet snippet : snippets) {
            String type = snippet.typeName();
            // One line of imports first, so that compiler line numbers are README line numbers minus one.
            String code = type != null ? IMPORTS + "\n" + snippet.code()
                    : IMPORTS + " class Snippet" + snippet.line() + " { void run() throws Exception {\n"
                            + snippet.code() + "} }\n";
            units.add(source(type != null ? type : "Snippet" + snippet.line(), code, snippet.line()));
        }

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter output = new StringWriter();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-classpath", classPath(), "-d", out.toString(), "-proc:none");
            boolean compiled = compiler.getTask(output, files, diagnostics, options, null, units).call();
            StringBuilder report = new StringBuilder();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    Unit unit = (Unit) d.getSource();
                    report.append("README.md line ").append(unit.readmeLine + d.getLineNumber() - 1).append(": ")
                            .append(d.getMessage(Locale.ROOT)).append('\n');
                }
            }
            assertTrue(compiled, () -> "README snippets that do not compile:\n" + report + output);
        }
    }

    @Test
    void aSnippetThatIsOneOfTheExampleProgramsIsThatProgram() throws IOException {
        List<String> checked = new ArrayList<>();
        for (Snippet snippet : snippets(Files.readString(README))) {
            String type = snippet.typeName();
            Path program = type == null ? null : EXAMPLES.resolve(type + ".java");
            if (program != null && Files.exists(program)) {
                String source = Files.readString(program);
                String fromDeclaration = source.substring(source.indexOf("public final class " + type));
                assertEquals(fromDeclaration, snippet.code(), "README.md line " + snippet.line() + " quotes " + program
                        + " from its class declaration on; copy the file into the README again");
                checked.add(type);
            }
        }
        assertEquals(List.of("TrainMnist", "TrainWithAdam"), checked, "the README quotes TrainMnist.java and TrainWithAdam.java");
    }

    @Test
    void aSnippetThatDoesNotCompileIsCaught(@TempDir Path out) {
        // the mistake this test exists for: a constant that is not there
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        String wrong = IMPORTS + " class Wrong { void run() throws Exception { Mnist.load(DatasetKind.FASHION); } }";
        boolean compiled = compiler.getTask(new StringWriter(), null, new DiagnosticCollector<>(),
                List.of("-classpath", classPath(), "-d", out.toString(), "-proc:none"), null,
                List.of(source("Wrong", wrong))).call();
        assertFalse(compiled);
    }

    /** The test class path; under surefire's manifest-only jar, the real one it names. */
    static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static JavaFileObject source(String name, String code) {
        return source(name, code, 1);
    }

    private static JavaFileObject source(String name, String code, int readmeLine) {
        return new Unit(name, code, readmeLine);
    }

    /** Source held in memory, remembering where in the README it came from. */
    private static final class Unit extends SimpleJavaFileObject {
        final String code;
        final int readmeLine;

        Unit(String name, String code, int readmeLine) {
            super(URI.create("string:///" + name + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
            this.readmeLine = readmeLine;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
