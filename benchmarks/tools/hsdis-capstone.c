/*
 * A disassembler plugin for HotSpot's -XX:+PrintAssembly on JDK 17, built on the capstone library.
 * JDK 17 looks for `decode_instructions_virtual` in hsdis-amd64.so; Debian's libhsdis0-fcml only
 * has the older entry point, so the JVM prints hex. Build and use (benchmarks/README.md, "Reading
 * the JIT's machine code"):
 *
 *   apt-get install libcapstone-dev gcc
 *   gcc -O2 -shared -fPIC -o hsdis-amd64.so hsdis-capstone.c -lcapstone
 *   LD_LIBRARY_PATH=. java -XX:+UnlockDiagnosticVMOptions -XX:PrintAssemblyOptions=intel \
 *       -XX:CompileCommand=print,io.sekisho.fingerprint.TextNormalizer::mapChars ...
 */
#include <stdint.h>
#include <capstone/capstone.h>

void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va,
                                  unsigned char *buffer, uintptr_t length,
                                  void *(*event_callback)(void *, const char *, void *),
                                  void *event_stream,
                                  int (*printf_callback)(void *, const char *, ...),
                                  void *printf_stream,
                                  const char *options,
                                  int newline) {
    (void) end_va;
    (void) options;
    csh handle;
    cs_insn *insn;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
        return NULL;
    }
    cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
    size_t count = cs_disasm(handle, buffer, length, start_va, 0, &insn);
    for (size_t j = 0; j < count; j++) {
        if (event_callback) {
            event_callback(event_stream, "insn", (void *) (uintptr_t) insn[j].address);
        }
        printf_callback(printf_stream, "%s\t%s", insn[j].mnemonic, insn[j].op_str);
        if (event_callback) {
            event_callback(event_stream, "/insn", (void *) (uintptr_t) (insn[j].address + insn[j].size));
        }
        if (newline) {
            printf_callback(printf_stream, "\n");
        }
    }
    uintptr_t end = count ? insn[count - 1].address + insn[count - 1].size : start_va;
    cs_free(insn, count);
    cs_close(&handle);
    return (void *) end;
}
