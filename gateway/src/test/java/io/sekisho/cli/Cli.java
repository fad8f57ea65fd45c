package io.sekisho.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the real command line in-process and captures what it prints, as a user would see it. */
record Cli(int exitCode, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Cli run(Object... args) {
        String[] argv = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(argv);
        return new Cli(code, out.toString(), err.toString());
    }

    List<String> lines() {
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    /** Standard output read as JSON lines (commands run with {@code --json}). */
    List<JsonNode> json() {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : lines()) {
            try {
                nodes.add(JSON.readTree(line));
            } catch (JsonProcessingException e) {
                throw new AssertionError("not a JSON line: " + line + "\nstderr: " + err, e);
            }
        }
        return nodes;
    }
}
