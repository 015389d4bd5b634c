# SPDX-License-Identifier: GPL-2.0-only
# 512-byte x86 boot sector for t-console (GNU as, 16-bit): a guest that
# answers on its serial port. It prints "xenlog-echo: ready\r\n" on COM1,
# then for every line it receives (ended by \r or \n; empty lines are
# ignored; at most 120 bytes, a longer one is cut into pieces) it prints
# "echo: LINE\r\n" with LINE upper-cased. It sleeps (hlt) between
# characters: the receive interrupt (IRQ4) wakes it, so an idle guest costs
# no CPU under TCG.
#   as --32 -o echo.o echo.s
#   ld -m elf_i386 -Ttext 0x7c00 --oformat binary -e _start -o echo.bin echo.o
        .code16
        .text
        .globl  _start
        .set    PORT, 0x3f8
        .set    BUF, 0x600              # free low memory for the line
        .set    BUFLEN, 120
_start:
        cli
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movw    $0x7c00, %sp
        cld
        movw    $isr, 0x0c*4            # IRQ4 (COM1) -> int 0x0c
        movw    %ax, 0x0c*4+2
        movw    $PORT+3, %dx            # LCR: DLAB=1
        movb    $0x80, %al
        outb    %al, %dx
        movw    $PORT, %dx              # divisor 1 = 115200 baud
        movb    $1, %al
        outb    %al, %dx
        movw    $PORT+1, %dx
        xorb    %al, %al
        outb    %al, %dx
        movw    $PORT+3, %dx            # LCR: 8N1
        movb    $0x03, %al
        outb    %al, %dx
        movw    $PORT+2, %dx            # FCR: FIFO on, cleared, trigger 1 byte
        movb    $0x07, %al
        outb    %al, %dx
        movw    $PORT+4, %dx            # MCR: DTR, RTS, OUT2 (IRQ enable)
        movb    $0x0b, %al
        outb    %al, %dx
        movw    $PORT+1, %dx            # IER: received data available
        movb    $0x01, %al
        outb    %al, %dx
        inb     $0x21, %al              # PIC: unmask IRQ4
        andb    $0xef, %al
        outb    %al, $0x21
        movw    $banner, %si
        call    puts
line:
        movw    $BUF, %di
read:
        cli
        movw    $PORT+5, %dx            # LSR bit 0: data ready
        inb     %dx, %al
        testb   $0x01, %al
        jnz     have
        sti                             # sti; hlt: no interrupt is lost
        hlt
        jmp     read
have:
        sti
        movw    $PORT, %dx
        inb     %dx, %al
        cmpb    $'\r', %al
        je      eol
        cmpb    $'\n', %al
        je      eol
        cmpb    $'a', %al
        jb      1f
        cmpb    $'z', %al
        ja      1f
        subb    $0x20, %al
1:      movb    %al, (%di)
        incw    %di
        cmpw    $BUF+BUFLEN, %di
        jb      read
eol:
        cmpw    $BUF, %di
        je      read                    # an empty line: nothing to say
        movb    $0, (%di)
        movw    $prefix, %si
        call    puts
        movw    $BUF, %si
        call    puts
        movw    $crlf, %si
        call    puts
        jmp     line

isr:                                    # wakes hlt; the main loop reads
        pushw   %ax
        movb    $0x20, %al              # EOI
        outb    %al, $0x20
        popw    %ax
        iret

puts:
        lodsb
        testb   %al, %al
        jz      2f
        movb    %al, %ah
        movw    $PORT+5, %dx            # wait for THR empty (LSR bit 5)
3:      inb     %dx, %al
        testb   $0x20, %al
        jz      3b
        movb    %ah, %al
        movw    $PORT, %dx
        outb    %al, %dx
        jmp     puts
2:      ret

banner: .asciz  "xenlog-echo: ready\r\n"
prefix: .asciz  "echo: "
crlf:   .asciz  "\r\n"
        .org    510
        .byte   0x55, 0xaa
