package io.sekisho.cli;

import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.decide.Decision;
import io.sekisho.decide.Policy;
import io.sekisho.decide.PolicyException;
import io.sekisho.decide.PolicyLoader;
import io.sekisho.decide.PolicyProblem;
import io.sekisho.decide.PolicyTestRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sekisho policy}: what a security team runs before a policy goes live. {@code check}
 * validates policy files; {@code test} runs the test cases kept next to each policy.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Validate policies and run their tests.",
        subcommands = {PolicyCommand.Check.class, PolicyCommand.Test.class})
final class PolicyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Problems go to stderr one per line, in the {@code file:line: key: message} form editors understand. */
    static void printProblems(PrintWriter err, PolicyException e) {
        for (PolicyProblem problem : e.problems()) {
            err.println(problem);
        }
        err.flush();
    }

    static PolicyLoader loader(Path catalogueDir) {
        if (catalogueDir == null) {
            return new PolicyLoader();
        }
        try (Catalogue catalogue = Catalogue.open(catalogueDir, OpenMode.MUST_EXIST)) {
            return new PolicyLoader(catalogue.settings().levels());
        } catch (java.io.IOException e) {
            throw new UserError("cannot read catalogue " + catalogueDir + ": " + e.getMessage());
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate policy files (and policy test files, *.test.yaml); folders are walked.",
                    "Every problem is printed as FILE:LINE: KEY: MESSAGE.",
                    "Exit code: 0 all valid, 2 any problem."})
    static final class Check implements Callable<Integer> {
        @Option(names = "--catalogue", paramLabel = "DIR",
                description = "Check classification levels against this catalogue's levels.")
        Path catalogueDir;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Policy files or folders.")
        List<Path> paths;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            PolicyLoader loader = loader(catalogueDir);
            boolean ok = true;
            for (Path file : yamlFiles(paths)) {
                try {
                    if (PolicyTestRunner.isTestFile(file)) {
                        PolicyTestRunner.FileResult result = new PolicyTestRunner(loader).run(file);
                        out.println(file + ": ok (" + result.cases().size() + " test cases for "
                                + result.policy().source() + ")");
                    } else {
                        Policy policy = loader.load(file);
                        out.println(file + ": ok (policy " + policy.name() + ", revision " + policy.revision() + ", "
                                + policy.ruleIds().size() + " rules)");
                        policy.expiredReleases(Instant.now()).forEach((id, until) ->
                                out.println("  note: release " + id + " expired on " + until + " and releases nothing"));
                    }
                } catch (PolicyException e) {
                    printProblems(err, e);
                    ok = false;
                }
            }
            out.flush();
            return ok ? Main.EXIT_OK : Main.EXIT_ERROR;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Run the test cases in *.test.yaml files (each tests NAME.yaml next to it, or the file its"
                    + " 'policy' key names); folders are walked. Default: ./policies.",
                    "Exit code: 0 all passed, 1 any case failed, 2 a policy or test file is invalid."})
    static final class Test implements Callable<Integer> {
        @Option(names = "--catalogue", paramLabel = "DIR",
                description = "Check classification levels against this catalogue's levels.")
        Path catalogueDir;

        @Parameters(arity = "0..*", paramLabel = "PATH", description = "Test files or folders (default: policies).")
        List<Path> paths;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Path> roots = paths == null || paths.isEmpty() ? List.of(Path.of("policies")) : paths;
            List<Path> files = yamlFiles(roots).stream().filter(PolicyTestRunner::isTestFile).toList();
            if (files.isEmpty()) {
                throw new UserError("no policy test files (*.test.yaml) in " + roots);
            }
            PolicyTestRunner runner = new PolicyTestRunner(loader(catalogueDir));
            int passed = 0;
            int failed = 0;
            boolean invalid = false;
            for (Path file : files) {
                PolicyTestRunner.FileResult result;
                try {
                    result = runner.run(file);
                } catch (PolicyException e) {
                    out.println(file + ": NOT RUN, invalid (see below)");
                    out.flush();
                    printProblems(err, e);
                    invalid = true;
                    continue;
                }
                out.println(file + "  (" + result.policy().source() + ", revision " + result.policy().revision() + ")");
                for (PolicyTestRunner.CaseResult c : result.cases()) {
                    Decision d = c.actual();
                    String got = d.action().id() + " by " + d.ruleId() + (d.simulated().isEmpty() ? ""
                            : ", simulated " + d.simulated().stream().map(Decision.SimulatedOutcome::ruleId).toList());
                    if (c.passed()) {
                        passed++;
                        out.println("  ok    " + c.note() + "  ->  " + got);
                    } else {
                        failed++;
                        out.println("  FAIL  " + c.note());
                        out.println("          expected " + c.expected());
                        out.println("          got      " + got);
                    }
                }
            }
            out.println();
            out.println(files.size() + " test file" + (files.size() == 1 ? "" : "s") + ", " + (passed + failed)
                    + " cases: " + passed + " passed, " + failed + " failed" + (invalid ? ", some files invalid" : ""));
            out.flush();
            return invalid ? Main.EXIT_ERROR : failed > 0 ? Main.EXIT_FOUND : Main.EXIT_OK;
        }
    }

    private static List<Path> yamlFiles(List<Path> paths) {
        return FileArguments.expand(paths).stream()
                .filter(p -> !Files.isDirectory(p))
                .filter(p -> paths.contains(p) || p.getFileName().toString().endsWith(".yaml"))
                .toList();
    }
}
