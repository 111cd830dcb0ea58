# An absolute reference to data from code: with -Wl,-z,notext the linker keeps it as a
# run-time relocation in .text, and the library gets DT_TEXTREL.
        .data
        .globl  counter
counter:
        .quad   0
        .text
        .globl  textrel_get
        .type   textrel_get, @function
textrel_get:
        movabsq $counter, %rax
        movq    (%rax), %rax
        ret
        .size   textrel_get, .-textrel_get
        .section .note.GNU-stack,"",@progbits
