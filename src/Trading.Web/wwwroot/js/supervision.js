// Yellow and red counts per organisation as a stacked bar chart. The table below the chart carries the same
// numbers for screen readers and for anyone without scripts; the chart only adds the picture.
(function () {
    const canvas = document.getElementById('counts-chart');
    if (!canvas || typeof Chart === 'undefined') return;
    const d = JSON.parse(canvas.dataset.chart);
    new Chart(canvas, {
        type: 'bar',
        data: {
            labels: d.labels,
            datasets: [
                { label: d.yellowLabel, data: d.yellow, backgroundColor: '#ffc107', borderColor: '#997404', borderWidth: 1 },
                { label: d.redLabel, data: d.red, backgroundColor: '#dc3545', borderColor: '#842029', borderWidth: 1 },
            ],
        },
        options: {
            indexAxis: 'y',
            animation: false,
            scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } },
        },
    });
})();
