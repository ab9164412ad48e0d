/// RFC 3492 Punycode, the encoding behind IDNA A-labels ("xn--…").
public enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
    private static let initialBias = 72, initialN = 128

    public enum Error: Swift.Error, Equatable {
        case overflow
        case invalidInput
    }

    private static func adapt(delta: Int, numPoints: Int, firstTime: Bool) -> Int {
        var delta = firstTime ? delta / damp : delta / 2
        delta += delta / numPoints
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (((base - tMin + 1) * delta) / (delta + skew))
    }

    private static func digit(_ value: Int) -> Character {
        let scalar = value < 26 ? UInt32(value) + 97 : UInt32(value - 26) + 48
        return Character(Unicode.Scalar(scalar)!)
    }

    private static func value(of scalar: Unicode.Scalar) -> Int? {
        switch scalar.value {
        case 48...57: return Int(scalar.value) - 22
        case 65...90: return Int(scalar.value) - 65
        case 97...122: return Int(scalar.value) - 97
        default: return nil
        }
    }

    /// Encodes a label's Unicode scalars; the result carries no "xn--" prefix.
    public static func encode(_ input: String) throws(Error) -> String {
        let scalars = input.unicodeScalars.map { Int($0.value) }
        var output = String(scalars.filter { $0 < 0x80 }.map { Character(Unicode.Scalar(UInt8($0))) })
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias
        while handled < scalars.count {
            guard let m = scalars.filter({ $0 >= n }).min() else { throw .invalidInput }
            let (product, productOverflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !productOverflow else { throw .overflow }
            delta += product
            n = m
            for c in scalars {
                if c < n {
                    delta += 1
                    if delta == Int.max { throw .overflow }
                }
                if c == n {
                    var q = delta, k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta: delta, numPoints: handled + 1, firstTime: handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return output
    }

    /// Decodes a label's Punycode (without its "xn--" prefix) back to Unicode.
    public static func decode(_ input: String) throws(Error) -> String {
        let scalars = Array(input.unicodeScalars)
        var output: [Unicode.Scalar] = []
        var start = 0
        if let lastDelimiter = scalars.lastIndex(of: "-") {
            output = Array(scalars[..<lastDelimiter])
            guard output.allSatisfy({ $0.isASCII }) else { throw .invalidInput }
            start = lastDelimiter + 1
        }
        var n = initialN, i = 0, bias = initialBias, position = start
        while position < scalars.count {
            let oldI = i
            var w = 1, k = base
            while true {
                guard position < scalars.count, let d = value(of: scalars[position]) else { throw .invalidInput }
                position += 1
                let (step, o1) = d.multipliedReportingOverflow(by: w)
                guard !o1 else { throw .overflow }
                i += step
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if d < t { break }
                let (nextW, o2) = w.multipliedReportingOverflow(by: base - t)
                guard !o2 else { throw .overflow }
                w = nextW
                k += base
            }
            bias = adapt(delta: i - oldI, numPoints: output.count + 1, firstTime: oldI == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard n <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(n)) else { throw .invalidInput }
            output.insert(scalar, at: i)
            i += 1
        }
        var result = ""
        result.unicodeScalars.append(contentsOf: output)
        return result
    }
}
