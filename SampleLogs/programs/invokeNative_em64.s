# Like WAMR's core/iwasm/common/arch/invokeNative_em64.s before its fix: hand-written
# assembly with no .note.GNU-stack section, so GNU ld marks the whole library as needing
# an executable stack.
        .text
        .globl  invokeNative
        .type   invokeNative, @function
invokeNative:
        movq    %rdi, %rax
        ret
        .size   invokeNative, .-invokeNative
