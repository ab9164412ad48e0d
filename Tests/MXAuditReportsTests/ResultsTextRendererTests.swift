import MXAuditModel
import Testing
@testable import MXAuditReports

/// The terminal summary rendered a chunk per core must be the text the sequential renderer writes,
/// in the same order, whatever the number of cores and wherever the chunks break.
@Suite struct ResultsTextRendererTests {
    @Test(arguments: [1, 2, 3])
    func concurrentRenderingWritesTheSequentialText(cores: Int) async {
        let sample = SampleFleet.input().judgements
        // Enough domains for several chunks, with the chunk boundary inside the list.
        var fleet: [DomainJudgement] = []
        for copy in 0..<(2 * ResultsTextRenderer.chunkSize / sample.count + 2) {
            fleet += sample.map { judgement in
                var numbered = judgement
                numbered.domain = "d\(copy)-\(judgement.domain)"
                return numbered
            }
        }
        #expect(fleet.count > 2 * ResultsTextRenderer.chunkSize && fleet.count % ResultsTextRenderer.chunkSize != 0)
        for showAll in [false, true] {
            let options = ResultsTextRenderer.Options(colour: showAll, showAll: showAll)
            var pieces: [String] = []
            await ResultsTextRenderer.renderConcurrently(fleet, options: options, cores: cores) { pieces.append($0) }
            #expect(pieces.joined() == ResultsTextRenderer.render(fleet, options: options))
            #expect(pieces.count == (fleet.count + ResultsTextRenderer.chunkSize - 1) / ResultsTextRenderer.chunkSize,
                    "a piece per chunk, so a large fleet's summary is never whole in memory")
        }
        var none: [String] = []
        await ResultsTextRenderer.renderConcurrently([], options: .init(colour: false), cores: cores) { none.append($0) }
        #expect(none.isEmpty)
    }
}
