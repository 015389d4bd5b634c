# 512-byte x86 boot sector for the HVM flood guests (GNU as, 16-bit).
# Writes numbered lines ("<prefix> line 0000000001") to an I/O port forever.
#   as --32 --defsym UART=1 flood.s   -> COM1 (0x3f8), polls LSR, lines end \r\n
#   as --32 --defsym UART=0 flood.s   -> QEMU isa-debugcon at 0x402, lines end \n
# (Xen itself claims port 0xe9, hence 0x402 for debugcon.)
        .code16
        .text
        .globl  _start
.if UART
        .set    PORT, 0x3f8
.else
        .set    PORT, 0x402
.endif
_start:
        cli
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movw    $0x7c00, %sp
        cld
.if UART
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
        movw    $PORT+2, %dx            # FCR: FIFO on, cleared
        movb    $0xc7, %al
        outb    %al, %dx
.endif
line:
        movw    $prefix, %si
        call    puts
        movw    $digits, %si            # the counter, then the line end
        call    puts
        movw    $digits+9, %bx          # increment the ASCII counter
inc:
        incb    (%bx)
        cmpb    $'9', (%bx)
        jbe     line
        movb    $'0', (%bx)
        decw    %bx
        cmpw    $digits, %bx
        jae     inc
        jmp     line                    # wrapped around: 0000000000

puts:
        lodsb
        testb   %al, %al
        jz      1f
        call    putc
        jmp     puts
1:      ret

putc:
.if UART
        movb    %al, %ah
        movw    $PORT+5, %dx            # wait for THR empty (LSR bit 5)
2:      inb     %dx, %al
        testb   $0x20, %al
        jz      2b
        movb    %ah, %al
.endif
        movw    $PORT, %dx
        outb    %al, %dx
        ret

.if UART
prefix: .asciz  "serial-flood line "
digits: .ascii  "0000000001"
        .asciz  "\r\n"
.else
prefix: .asciz  "debugcon-flood line "
digits: .ascii  "0000000001"
        .asciz  "\n"
.endif
        .org    510
        .byte   0x55, 0xaa
