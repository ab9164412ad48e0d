import Foundation
import Testing

/// Real SMTP listeners on 127.63.<subnet>.y:25 (python3 asyncio, one process) that misbehave on
/// purpose, for the prober's politeness and robustness tests. They count the connections open at
/// once, so tests can assert overlap and per-address limits structurally instead of by timing.
final class ScriptedSMTPListeners {
    enum Behaviour {
        /// Greets after a delay, answers EHLO without STARTTLS.
        case slowGreeting(Double)
        /// Accepts and never says anything (a tarpit).
        case silent
        /// Sends bytes that are no SMTP reply.
        case garbage
        /// Greets with an endless multi-line reply.
        case endlessGreeting

        var name: String {
            switch self {
            case .slowGreeting: return "slow"
            case .silent: return "silent"
            case .garbage: return "garbage"
            case .endlessGreeting: return "endless"
            }
        }

        var delay: Double { if case .slowGreeting(let delay) = self { return delay } else { return 0 } }
    }

    struct Report: Decodable {
        var peak: Int
        var greeted: Int
        var connections: Int
    }

    let addresses: [String]
    private let process = Process()
    private let input = Pipe()
    private let lines: LineReader

    init(behaviour: Behaviour, count: Int, subnet: Int) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, behaviour.name, String(behaviour.delay), String(count), String(subnet)]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        lines = LineReader(output.fileHandleForReading)
        let announced = try #require(lines.next(), "the listener helper did not start")
        addresses = try JSONDecoder().decode([String].self, from: Data(announced.utf8))
    }

    /// Stops the listeners and returns what they saw.
    func report() throws -> Report {
        input.fileHandleForWriting.write(Data("stop\n".utf8))
        let line = try #require(lines.next(), "the listener helper did not report")
        return try JSONDecoder().decode(Report.self, from: Data(line.utf8))
    }

    func stop() {
        if process.isRunning { process.terminate() }
    }

    private static let script = #"""
    import asyncio, json, sys
    behaviour, delay, count, subnet = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    state = {"active": 0, "peak": 0, "greeted": 0, "connections": 0}
    async def dialog(reader, writer):
        if behaviour == "silent":
            await asyncio.sleep(3600)
        if behaviour == "garbage":
            writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            await writer.drain()
            await asyncio.sleep(3600)
        if behaviour == "endless":
            while True:
                writer.write(b"220-still greeting you\r\n")
                await writer.drain()
        await asyncio.sleep(delay)
        writer.write(b"220 slow.test ESMTP\r\n")
        state["greeted"] += 1
        await writer.drain()
        while True:
            line = await asyncio.wait_for(reader.readline(), 30)
            if not line:
                return
            command = line.strip().upper()
            if command.startswith(b"EHLO"):
                writer.write(b"250-slow.test\r\n250 8BITMIME\r\n")
            elif command == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                return
            else:
                writer.write(b"502 5.5.2 not here\r\n")
            await writer.drain()
    async def handle(reader, writer):
        state["connections"] += 1
        state["active"] += 1
        state["peak"] = max(state["peak"], state["active"])
        try:
            await dialog(reader, writer)
        except Exception:
            pass
        finally:
            state["active"] -= 1
            writer.close()
    async def main():
        addresses = [f"127.63.{subnet + i // 250}.{1 + i % 250}" for i in range(count)]
        servers = [await asyncio.start_server(handle, address, 25, backlog=16) for address in addresses]
        print(json.dumps(addresses), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        try:
            print(json.dumps({key: state[key] for key in ("peak", "greeted", "connections")}), flush=True)
        except BrokenPipeError:
            pass  # the test stopped without asking for the report
    asyncio.run(main())
    """#
}

/// Reads newline-terminated lines from a pipe, blocking (test helper).
final class LineReader {
    private let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                return String(decoding: line, as: UTF8.self)
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }
}
