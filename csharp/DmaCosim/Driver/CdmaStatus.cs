// SPDX-License-Identifier: MIT
using System.Text;

namespace DmaCosim.Driver;

/// <summary>A decoded CDMASR value.</summary>
/// <param name="Raw">The register value.</param>
public readonly record struct CdmaStatus(uint Raw)
{
    /// <summary>CDMASR.Idle.</summary>
    public bool Idle => Bit(CdmaRegisters.Sr.IdleBit);

    /// <summary>IOC_Irq.</summary>
    public bool IocIrq => Bit(CdmaRegisters.Sr.IocIrqBit);

    /// <summary>Err_Irq.</summary>
    public bool ErrIrq => Bit(CdmaRegisters.Sr.ErrIrqBit);

    /// <summary>Any of the six sticky error bits.</summary>
    public bool HasError => (Raw & CdmaRegisters.Sr.ErrorMask) != 0;

    /// <summary>The set error bits by name, e.g. "DMASlvErr DMADecErr", or "none".</summary>
    public string Errors
    {
        get
        {
            var names = new StringBuilder();
            foreach (var (bit, name) in ErrorNames)
            {
                if (Bit(bit))
                {
                    names.Append(names.Length == 0 ? "" : " ").Append(name);
                }
            }

            return names.Length == 0 ? "none" : names.ToString();
        }
    }

    private static (int Bit, string Name)[] ErrorNames { get; } =
    [
        (CdmaRegisters.Sr.DmaIntErrBit, "DMAIntErr"),
        (CdmaRegisters.Sr.DmaSlvErrBit, "DMASlvErr"),
        (CdmaRegisters.Sr.DmaDecErrBit, "DMADecErr"),
        (CdmaRegisters.Sr.SgIntErrBit, "SGIntErr"),
        (CdmaRegisters.Sr.SgSlvErrBit, "SGSlvErr"),
        (CdmaRegisters.Sr.SgDecErrBit, "SGDecErr"),
    ];

    /// <inheritdoc />
    public override string ToString() =>
        $"CDMASR=0x{Raw:X8} (idle={(Idle ? 1 : 0)} ioc={(IocIrq ? 1 : 0)} err_irq={(ErrIrq ? 1 : 0)} errors={Errors})";

    private bool Bit(int bit) => (Raw & (1u << bit)) != 0;
}

/// <summary>A CDMA transfer ended with error bits set in CDMASR.</summary>
public sealed class CdmaTransferException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="status">CDMASR after the failure.</param>
    public CdmaTransferException(string message, CdmaStatus status)
        : base($"{message}: {status}")
    {
        Status = status;
    }

    /// <summary>CDMASR after the failure.</summary>
    public CdmaStatus Status { get; }
}
