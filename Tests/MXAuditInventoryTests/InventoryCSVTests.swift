import Foundation
import MXAuditInventory
import MXAuditModel
import Testing

@Suite("CSV import and export")
struct InventoryCSVTests {
    let csv = """
    client_id,client_name,domain,rulesets,tags
    acme-gmbh,ACME GmbH,acme.example,bsi-tr-03108,de;nis2
    acme-gmbh,ACME GmbH,shop.acme.example,bsi-tr-03108,webshop
    gemeente-voorbeeld,"Gemeente ""Voorbeeld"", NL",voorbeeld.example,nl-comply-or-explain,nl
    small-shop,Small Shop,bücher.example,,

    """

    @Test func importGroupsRowsByClient() throws {
        let inventory = try makeLoader().parseCSV(csv, file: "clients.csv")
        #expect(inventory.clients.map(\.id) == ["acme-gmbh", "gemeente-voorbeeld", "small-shop"])
        #expect(inventory.clients[0].domains.map(\.name.ascii) == ["acme.example", "shop.acme.example"])
        #expect(inventory.clients[0].domains[0].tags == ["de", "nis2"])
        #expect(inventory.clients[1].name == "Gemeente \"Voorbeeld\", NL")
        #expect(inventory.clients[2].rulesets == ["mta-sts-baseline"])
        #expect(inventory.clients[2].domains[0].name.ascii == "xn--bcher-kva.example")
        #expect(inventory.clients[0].domains[1].location == SourceLocation(file: "clients.csv", line: 3, column: 21))
    }

    @Test func csvRoundTripsThroughCSVAndYAML() throws {
        let loader = try makeLoader()
        let imported = try loader.parseCSV(csv, file: "clients.csv")

        let exported = InventoryCSV.write(imported)
        let reimported = try loader.parseCSV(exported, file: "exported.csv")
        #expect(stripLocations(reimported) == stripLocations(imported))
        #expect(InventoryCSV.write(reimported) == exported)

        let yaml = InventoryYAMLWriter.write(imported)
        let fromYAML = try loader.parseYAML(yaml, file: "imported.yaml")
        #expect(stripLocations(fromYAML) == stripLocations(imported))
    }

    @Test func yamlWithWaiversRoundTripsThroughTheWriter() throws {
        let loader = try makeLoader()
        let original = try loader.load(path: repositoryRoot.appendingPathComponent("examples/inventory.yaml").path)
        let rewritten = try loader.parseYAML(InventoryYAMLWriter.write(original), file: "rewritten.yaml")
        #expect(stripLocations(rewritten) == stripLocations(original))
    }

    private func stripLocations(_ inventory: Inventory) -> Inventory {
        var copy = inventory
        for clientIndex in copy.clients.indices {
            for domainIndex in copy.clients[clientIndex].domains.indices {
                copy.clients[clientIndex].domains[domainIndex].location = nil
            }
            for waiverIndex in copy.clients[clientIndex].waivers.indices {
                copy.clients[clientIndex].waivers[waiverIndex].location = nil
            }
        }
        return copy
    }
}
