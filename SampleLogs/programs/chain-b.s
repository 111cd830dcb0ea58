# libB.so's code: assembly without .note.GNU-stack, two links down the chain.
        .text
        .globl  b_entry
        .type   b_entry, @function
b_entry:
        leaq    1(%rdi), %rax
        ret
        .size   b_entry, .-b_entry
